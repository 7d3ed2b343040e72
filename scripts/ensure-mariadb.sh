#!/usr/bin/env bash
# Installs MariaDB (the MySQL-compatible server used locally and in tests) when it is missing.
set -euo pipefail
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then exit 0; fi
exec "$(dirname "$0")/apt-install.sh" mariadb-server
