#!/usr/bin/env bash
# Starts a private 3-node MariaDB Galera cluster on loopback in DIR: node N on 127.0.0.N, all on
# PORT (MySQL) and GROUP_PORT..GROUP_PORT+2 (group, IST, state transfer). Prints the three pids.
# A cold start with three state transfers takes ~75 s here; so node 1 is bootstrapped and stopped
# once, and nodes 2 and 3 start from a copy of its data and join by IST in seconds.
# Usage: scripts/galera.sh DIR PORT GROUP_PORT
set -euo pipefail
dir=$1 port=$2 group=$3
node=$(dirname "$0")/galera-node.sh
mkdir -p "$dir"
bash "$node" "$dir" 1 "$port" "$group" new >/dev/null
mariadb-admin --no-defaults --socket="$dir/node1/mysql.sock" -uroot shutdown
for n in 2 3; do
  mkdir -p "$dir/node$n"
  cp -a "$dir/node1/data" "$dir/node$n/"
done
bash "$node" "$dir" 1 "$port" "$group" new
bash "$node" "$dir" 2 "$port" "$group" join
bash "$node" "$dir" 3 "$port" "$group" join
