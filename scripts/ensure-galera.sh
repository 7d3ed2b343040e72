#!/usr/bin/env bash
# Installs what the cluster suite runs on (Galera for MariaDB, and mariadb-backup and socat for
# its state transfers) when it is missing.
set -euo pipefail
missing=()
[ -f /usr/lib/galera/libgalera_smm.so ] || [ -f /usr/lib/libgalera_smm.so ] || missing+=(galera-4)
command -v mariabackup >/dev/null 2>&1 || missing+=(mariadb-backup)
command -v socat >/dev/null 2>&1 || missing+=(socat)
exec "$(dirname "$0")/apt-install.sh" "${missing[@]}"
