#!/usr/bin/env bash
# Installs MariaDB (the MySQL-compatible server used locally and in tests) when it is missing.
set -euo pipefail
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then exit 0; fi
echo "relay: mariadb-server is not installed; installing it with apt-get" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq mariadb-server >/dev/null
