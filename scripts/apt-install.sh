#!/usr/bin/env bash
# Installs the named Debian packages with apt-get (as root, or through sudo), saying so first.
# The ensure-*.sh scripts call it with what they found missing. Usage: scripts/apt-install.sh PKG...
set -euo pipefail
[ $# -eq 0 ] && exit 0
echo "relay: $* not installed; installing with apt-get" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "$@" >/dev/null
