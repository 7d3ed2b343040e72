#!/usr/bin/env bash
# `make run`: the whole stack in the foreground. A private MariaDB in .relay/run, the server on
# :8080 and two client daemons (TCP 5001/5002, HTTP 8001/8002), seeded with two clients and two
# personnel. Ctrl-C, or SIGTERM to make, stops every process started here.
# RELAY_KEEP_DATA=1 keeps the previous run's MySQL and SQLite data instead of starting fresh.
set -uo pipefail
cd "$(dirname "$0")/.."
state=.relay/run
# Below the kernel's ephemeral range (32768+), so no outgoing connection can hold it when MariaDB binds.
mysql_port=${RELAY_MYSQL_PORT:-23306}
api_key=${RELAY_API_KEY:-dev-api-key}
master_key=${RELAY_MASTER_KEY:-dev-master-key-for-make-run-only-0123456789}
parent=${RELAY_PARENT_PID:-$PPID}
pids=()
watcher=

say() { printf 'relay: %s\n' "$*" >&2; }
cleanup() {
  trap - INT TERM HUP EXIT
  say "stopping"
  [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 80); do
    alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  # The prefixing seds outlive Ctrl-C (see prefix) to pass on the daemons' last lines; let them finish.
  sleep 0.3
  say "stopped"
  exit 0
}
trap cleanup INT TERM HUP EXIT

scripts/ensure-mariadb.sh || exit 1
for p in 8080 8001 8002 5001 5002 "$mysql_port"; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then say "port $p is already in use; stop what holds it"; exit 1; fi
done

say "building"
dotnet build Relay.slnx -c Release --nologo -v quiet -clp:ErrorsOnly || exit 1

[ "${RELAY_KEEP_DATA:-0}" = 1 ] || rm -rf "$state"
mkdir -p "$state"
say "starting MariaDB on 127.0.0.1:$mysql_port (data in $state/mysql)"
mysql_pid=$(scripts/mariadb.sh "$PWD/$state/mysql" "$mysql_port") || exit 1
pids+=("$mysql_pid")
mariadb --no-defaults --socket="$state/mysql/mysql.sock" -uroot -e "
  CREATE DATABASE IF NOT EXISTS relay CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE USER IF NOT EXISTS 'relay'@'127.0.0.1' IDENTIFIED BY 'relay';
  GRANT ALL ON relay.* TO 'relay'@'127.0.0.1';" || exit 1

# Ctrl-C reaches every process of the terminal's group: the seds ignore it, so the daemons' own
# shutdown lines still get through them.
prefix() { trap '' INT; exec sed -u "s/^/[$1] /"; }

say "starting server on http://127.0.0.1:8080 (Swagger UI: http://127.0.0.1:8080/swagger)"
ConnectionStrings__Relay="Server=127.0.0.1;Port=$mysql_port;Database=relay;User ID=relay;Password=relay" \
Urls=http://127.0.0.1:8080 \
Auth__ApiKey="$api_key" Credentials__MasterKey="$master_key" \
Seed__Clients__0__Name="Client #1" Seed__Clients__0__Host=127.0.0.1 Seed__Clients__0__Port=5001 \
Seed__Clients__0__CredentialFile="$state/client1/credential" \
Seed__Clients__1__Name="Client #2" Seed__Clients__1__Host=127.0.0.1 Seed__Clients__1__Port=5002 \
Seed__Clients__1__CredentialFile="$state/client2/credential" \
Seed__Personnel__0__Name=Isaac Seed__Personnel__0__Surname=Newton Seed__Personnel__0__Ssn=12345678900 \
Seed__Personnel__1__Name=Albert Seed__Personnel__1__Surname=Einstein Seed__Personnel__1__Ssn=98765432100 \
  dotnet server/bin/Release/net10.0/Relay.Server.dll > >(prefix server) 2>&1 &
pids+=($!)

for n in 1 2; do
  say "starting client $n on TCP 500$n, HTTP http://127.0.0.1:800$n"
  Client__DatabasePath="$state/client$n/client.db" Client__TcpPort=500$n Client__HttpUrl=http://127.0.0.1:800$n \
  Client__CredentialFile="$state/client$n/credential" Client__ReadApiKey="$api_key" \
    dotnet client/bin/Release/net10.0/Relay.Client.dll > >(prefix client$n) 2>&1 &
  pids+=($!)
done

# One line once everything answers, so a newcomer knows when to start and where to go.
up() { curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null; }
key_hint="X-Api-Key: $api_key"; [ -n "${RELAY_API_KEY:-}" ] && key_hint="X-Api-Key: the value of RELAY_API_KEY"
(
  for _ in $(seq 1 600); do
    if up http://127.0.0.1:8080/health/ready && up http://127.0.0.1:8001/health && up http://127.0.0.1:8002/health; then
      say "ready: API http://127.0.0.1:8080 (Swagger UI http://127.0.0.1:8080/swagger, dashboard http://127.0.0.1:8080/dashboard), clients http://127.0.0.1:8001 and http://127.0.0.1:8002; $key_hint; Ctrl-C stops"
      exit 0
    fi
    sleep 0.2
  done
  say "not ready after 2 minutes; see the lines above"
) &
watcher=$!

# Foreground until Ctrl-C, until make itself is killed, or until a process dies.
while kill -0 "$parent" 2>/dev/null; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { say "process $pid exited; stopping the stack"; exit 1; }
  done
  sleep 0.5
done
