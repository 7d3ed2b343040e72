#!/usr/bin/env bash
# Starts a private MariaDB in DIR listening on 127.0.0.1:PORT, in the background, and waits until
# it answers. Prints the server's pid. Usage: scripts/mariadb.sh DIR PORT
set -euo pipefail
dir=$1 port=$2
export PATH="$PATH:/usr/sbin:/usr/bin"
mkdir -p "$dir/tmp"
# Each instance keeps its temporary files in its own folder: several may start at once (tests).
if [ ! -d "$dir/data/mysql" ]; then
  mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; exit 1; }
fi
setsid mariadbd --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --socket="$dir/mysql.sock" --port="$port" \
  --bind-address=127.0.0.1 --user="$(id -un)" --skip-name-resolve --log-error="$dir/error.log" \
  --pid-file="$dir/mariadbd.pid" </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  if mariadb --no-defaults --socket="$dir/mysql.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then echo "$pid"; exit 0; fi
  kill -0 "$pid" 2>/dev/null || { echo "relay: MariaDB failed to start; see $dir/error.log" >&2; tail -20 "$dir/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "relay: MariaDB did not answer within 30 s; see $dir/error.log" >&2
kill "$pid" 2>/dev/null; exit 1
