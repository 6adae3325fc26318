#!/usr/bin/env bash
# Brings a bare Debian 12 host (root) to what Hivekeeper's demo and tests need:
# a running Docker engine, the Compose v2 and buildx plugins, and a local
# debian:trixie base image. Idempotent: each step checks before it acts, so a
# second run takes a second or two.
set -euo pipefail

log() { printf 'host-setup: %s\n' "$*" >&2; }

state_dir=/var/lib/hivekeeper-host
trixie_lists=$state_dir/apt-lists-trixie
trixie_sources=$state_dir/trixie.list
plugin_dir=/usr/local/lib/docker/cli-plugins

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "must run as root (it installs packages and starts dockerd)"
    exit 2
  fi
}

engine_answers() { docker info >/dev/null 2>&1; }

ensure_engine() {
  if engine_answers; then return; fi
  need_root
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log "starting dockerd (log: /var/log/dockerd.log)"
  setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    if engine_answers; then return; fi
    sleep 0.5
  done
  log "dockerd did not answer within 30 s; see /var/log/dockerd.log"
  exit 1
}

# apt reads trixie's lists from a private state dir, so the host's own sources stay untouched.
trixie_apt() {
  apt-get -o Dir::Etc::SourceList="$trixie_sources" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$trixie_lists" "$@"
}

install_plugin_from_trixie() { # package, binary name
  local package=$1 binary=$2
  if [ -x "$plugin_dir/$binary" ]; then return; fi
  need_root
  mkdir -p "$trixie_lists/partial" "$plugin_dir"
  echo "deb http://deb.debian.org/debian trixie main" > "$trixie_sources"
  if [ ! -s "$state_dir/.trixie-updated" ]; then
    trixie_apt update -qq
    date > "$state_dir/.trixie-updated"
  fi
  local work
  work=$(mktemp -d)
  log "installing $binary from Debian trixie's $package"
  (cd "$work" && chmod 755 "$work" && trixie_apt download -qq "$package" >/dev/null)
  dpkg -x "$work"/"$package"_*.deb "$work/root"
  install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/$binary" "$plugin_dir/$binary"
  rm -rf "$work"
}

ensure_trixie_image() {
  if docker image inspect debian:trixie >/dev/null 2>&1; then return; fi
  if docker pull -q debian:trixie >/dev/null 2>&1; then return; fi
  need_root
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  log "no registry answers: building debian:trixie with debootstrap (about 30 s)"
  local rootfs
  rootfs=$(mktemp -d)
  debootstrap --variant=minbase trixie "$rootfs" http://deb.debian.org/debian >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # As the official image does: apt in derived images keeps no downloaded .deb files.
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT
  tar -C "$rootfs" -c . | docker import - debian:trixie >/dev/null
  rm -rf "$rootfs"
}

mkdir -p "$state_dir"
ensure_engine
install_plugin_from_trixie docker-compose docker-compose
install_plugin_from_trixie docker-buildx docker-buildx
ensure_trixie_image
log "ready: $(docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}})'), $(docker compose version --short | sed 's/^/compose /')"
