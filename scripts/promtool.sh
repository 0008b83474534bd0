#!/usr/bin/env bash
# Runs Prometheus' promtool with the given arguments: `scripts/promtool.sh check rules FILE`, ...
# Uses promtool from PATH when there is one; otherwise the promtool of Debian's `prometheus` package, unpacked (not
# installed: no service, no root needed) once into .data/tools/prometheus and reused from there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.data/tools/prometheus"
cached="$cache/usr/bin/promtool"

if command -v promtool >/dev/null 2>&1; then
  exec promtool "$@"
fi

if [[ ! -x "$cached" ]]; then
  work="$(mktemp -d)"
  chmod 755 "$work" # apt downloads as its own user
  trap 'rm -rf "$work"' EXIT
  echo "promtool.sh: unpacking promtool from the Debian package 'prometheus' into $cache" >&2
  if ! (cd "$work" && apt-get download -qq prometheus >&2); then
    if (( EUID == 0 )); then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      (cd "$work" && apt-get download -qq prometheus >&2)
    else
      echo "promtool.sh: could not download the Debian package 'prometheus' (run apt-get update as root?)" >&2
      exit 1
    fi
  fi
  mkdir -p "$work/unpacked"
  dpkg-deb -x "$work"/prometheus_*.deb "$work/unpacked"
  mkdir -p "$cache/usr/bin"
  # Unpacked under a temporary name and renamed: a concurrent caller never runs a half-written binary.
  cp "$work/unpacked/usr/bin/promtool" "$cache/usr/bin/promtool.$$"
  mv -f "$cache/usr/bin/promtool.$$" "$cached"
fi

exec "$cached" "$@"
