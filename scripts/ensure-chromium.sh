#!/usr/bin/env bash
# Installs Debian's Chromium (the Swagger UI browser test drives it headless) when it is missing.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
exec "$(dirname "$0")/apt-install.sh" chromium
