#!/usr/bin/env bash
# Builds the images the demo and the tests use, from this checkout:
#   hivekeeper:latest       the runner (root Dockerfile, runtime stage)
#   hivekeeper-dev          the toolchain plus docker CLI, Compose and psql, for building and testing
#   hivekeeper-postgres:17  Postgres 17 with the official image's interface (tests/images/postgres)
#   hivekeeper-postgres:18  the same with Debian sid's postgresql-18, for the version-mismatch suite
#   hivekeeper-offsite      moto_server (S3 API), awscli and age: the off-site suites' reference tools
# Pass image names to build only those. Each image carries a hash of the files it is built from
# (label hivekeeper.sources); one whose files did not change is not rebuilt at all, and the others
# reuse Docker's layer cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

sources_of() { # image -> the files and folders it is built from
  case "$1" in
    hivekeeper:latest) echo Dockerfile CMakeLists.txt .clang-format cmake manifests/schema runner ;;
    hivekeeper-dev) echo Dockerfile ;;
    hivekeeper-postgres:*) echo tests/images/postgres ;;
    hivekeeper-offsite) echo tests/images/offsite ;;
  esac
}
sources_hash() { # image
  # shellcheck disable=SC2046
  (cd "$root" && find $(sources_of "$1") -type f -print0 | sort -z | xargs -0 sha256sum) \
    | sha256sum | cut -c1-16
}
# A build takes minutes (the runner's compile most of all): rather than silence, which cannot be
# told from a hang, say which step each build is in and for how long, every 15 s (5 s on a
# terminal); a failed build shows the end of its output.
build_showing_steps() { # image, docker build arguments...
  local image=$1 log pid started step compiled last_step="" last_said=0 now every=15
  shift
  [ -t 2 ] && every=5
  log=$(mktemp)
  started=$(date +%s)
  docker build "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    now=$(date +%s)
    # The legacy builder prints "Step 7/12 : RUN ...", BuildKit "#9 [build 3/5] RUN ...".
    step=$(grep -aE '^Step [0-9]+/[0-9]+ : |^#[0-9]+ \[' "$log" | tail -1 | cut -c1-90 || true)
    # Inside the compile, ninja's count of what is done ("[45/120]") says how far it is.
    compiled=$(tail -5 "$log" | grep -aoE '\[[0-9]+/[0-9]+\] ' | tail -1 || true)
    [ -z "$compiled" ] || step="$step ... compiling ${compiled% }"
    if [ -n "$step" ] && { [ "$step" != "$last_step" ] || [ $((now - last_said)) -ge 60 ]; } &&
       [ $((now - last_said)) -ge "$every" ]; then
      printf 'build-images: %s, %d s: %s\n' "$image" $((now - started)) "$step" >&2
      last_step=$step last_said=$now
    fi
  done
  if ! wait "$pid"; then
    echo "build-images: building $image failed; the end of its output:" >&2
    tail -40 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(hivekeeper-dev hivekeeper:latest hivekeeper-postgres:17 hivekeeper-postgres:18 hivekeeper-offsite)
build_image() { # image: builds it unless its sources are unchanged
  local image=$1 started hash label
  started=$(date +%s)
  hash=$(sources_hash "$image")
  if [ "$(docker image inspect -f '{{ index .Config.Labels "hivekeeper.sources" }}' "$image" 2>/dev/null)" == "$hash" ]; then
    echo "build-images: $image unchanged" >&2
    return
  fi
  label=(--label "hivekeeper.sources=$hash")
  echo "build-images: building $image" >&2
  case "$image" in
    hivekeeper:latest) build_showing_steps "$image" "${label[@]}" -t hivekeeper:latest "$root" ;;
    hivekeeper-dev) build_showing_steps "$image" "${label[@]}" --target dev -t hivekeeper-dev "$root" ;;
    hivekeeper-postgres:17) build_showing_steps "$image" "${label[@]}" -t hivekeeper-postgres:17 "$root/tests/images/postgres" ;;
    hivekeeper-postgres:18) build_showing_steps "$image" "${label[@]}" -t hivekeeper-postgres:18 --build-arg BASE_IMAGE=trixie-with-sid --build-arg PG_MAJOR=18 "$root/tests/images/postgres" ;;
    hivekeeper-offsite) build_showing_steps "$image" "${label[@]}" -t hivekeeper-offsite "$root/tests/images/offsite" ;;
    *) echo "build-images: unknown image $image" >&2; return 2 ;;
  esac || return 1
  echo "build-images: $image ready ($(( $(date +%s) - started )) s)" >&2
}
# hivekeeper:latest compiles (CPU); the others mostly download packages (network): they build
# side by side, so a fresh machine waits for the compile, not for the sum. hivekeeper-dev goes
# first: its toolchain stage is then in the layer cache for hivekeeper:latest.
pids=()
for image in "${wanted[@]}"; do
  if [ "$image" == hivekeeper-dev ]; then
    build_image "$image" || exit 1
    continue
  fi
  build_image "$image" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "build-images: a build failed (see above)" >&2; exit 1; }
