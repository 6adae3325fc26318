#!/usr/bin/env bash
# Builds the images the demo and the tests use, from this checkout:
#   hivekeeper:latest       the runner (root Dockerfile, runtime stage)
#   hivekeeper-dev          the toolchain plus docker CLI, Compose and psql, for building and testing
#   hivekeeper-postgres:17  Postgres 17 with the official image's interface (tests/images/postgres)
#   hivekeeper-postgres:18  the same with Debian sid's postgresql-18, for the version-mismatch suite
# Pass image names to build only those. Layers are cached, so a second run takes seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(hivekeeper:latest hivekeeper-dev hivekeeper-postgres:17 hivekeeper-postgres:18)
for image in "${wanted[@]}"; do
  started=$(date +%s)
  case "$image" in
    hivekeeper:latest) docker build -q -t hivekeeper:latest "$root" >/dev/null ;;
    hivekeeper-dev) docker build -q --target dev -t hivekeeper-dev "$root" >/dev/null ;;
    hivekeeper-postgres:17) docker build -q -t hivekeeper-postgres:17 "$root/tests/images/postgres" >/dev/null ;;
    hivekeeper-postgres:18) docker build -q -t hivekeeper-postgres:18 --build-arg BASE_IMAGE=trixie-with-sid --build-arg PG_MAJOR=18 "$root/tests/images/postgres" >/dev/null ;;
    *) echo "build-images: unknown image $image" >&2; exit 2 ;;
  esac
  echo "build-images: $image ready ($(( $(date +%s) - started )) s)" >&2
done
