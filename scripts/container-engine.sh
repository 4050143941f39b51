#!/usr/bin/env bash
# Sets up a Docker-compatible container engine for the container mode of the interop suite, where the
# machine has none: podman from Debian, serving the Docker API on a unix socket, and (when no image registry
# is reachable) a local Debian base image made with debootstrap. Needs root and Debian's apt.
# Prints the DOCKER_HOST to use on its last line; exits non-zero when no engine can be had.
set -euo pipefail

SOCKET=/run/podman/podman.sock
BASE_IMAGE=localhost/debian:bookworm

log() { echo "[container-engine] $*" >&2; }

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "needs root and apt-get to install podman"; exit 1
fi

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing podman (Debian packages)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc fuse-overlayfs slirp4netns uidmap debootstrap >&2
fi

# crun fails here (cgroups hybrid mode, setrlimit); the hard nofile limit is 20000 and nproc above 32768 is refused.
mkdir -p /etc/containers
cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

if ! curl -s --unix-socket "$SOCKET" http://d/_ping 2>/dev/null | grep -q OK; then
  log "starting the podman API service on $SOCKET"
  mkdir -p "$(dirname "$SOCKET")"
  nohup podman system service --time=0 "unix://$SOCKET" >/tmp/podman-service.log 2>&1 &
  echo $! > /run/podman/service.pid
  for _ in $(seq 1 100); do
    curl -s --unix-socket "$SOCKET" http://d/_ping 2>/dev/null | grep -q OK && break
    sleep 0.1
  done
  curl -s --unix-socket "$SOCKET" http://d/_ping | grep -q OK || { log "the podman service did not answer"; exit 1; }
fi

if ! podman image exists "$BASE_IMAGE"; then
  log "building $BASE_IMAGE with debootstrap (no image registry here)"
  rootfs=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$rootfs" >&2
  # This machine's own CA certificates (e.g. of an egress proxy) travel into the image, so that the
  # images' ca-certificates package trusts what the host trusts.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  tar -C "$rootfs" -c . | podman import - "$BASE_IMAGE" >&2
  rm -rf "$rootfs"
fi

echo "unix://$SOCKET"
