#!/usr/bin/env bash
# Installs Debian's Chromium (the Swagger UI browser test drives it headless) when it is missing.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
echo "relay: chromium is not installed; installing it with apt-get" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium >/dev/null
