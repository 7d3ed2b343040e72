#!/usr/bin/env bash
# `make run`: the whole stack in the foreground. A private MariaDB in .relay/run, the server on
# :8080 and two client daemons (TCP 5001/5002, HTTP 8001/8002), seeded with two clients and two
# personnel. Ctrl-C, or SIGTERM to make, stops the daemons, then MariaDB. It exits non-zero,
# naming the part, when one fails to start or dies.
#   RELAY_KEEP_DATA=1      keep the previous run's MySQL and SQLite data instead of starting fresh
#   RELAY_API_KEY          the API key (dev-api-key); RELAY_MASTER_KEY the credentials' master key
#   RELAY_MYSQL_PORT       MariaDB's port (23306); RELAY_PORT_OFFSET is added to the daemons' ports
#   RELAY_STATE_DIR        where everything is written (.relay/run)
#   RELAY_BUILD=0          use the existing build of RELAY_CONFIGURATION (Release) instead of building
set -uo pipefail
cd "$(dirname "$0")/.."
state=${RELAY_STATE_DIR:-.relay/run}
# Below the kernel's ephemeral range (32768+), so no outgoing connection can hold it when MariaDB binds.
mysql_port=${RELAY_MYSQL_PORT:-23306}
offset=${RELAY_PORT_OFFSET:-0}
api_port=$((8080 + offset))
configuration=${RELAY_CONFIGURATION:-Release}
api_key=${RELAY_API_KEY:-dev-api-key}
master_key=${RELAY_MASTER_KEY:-dev-master-key-for-make-run-only-0123456789}
parent=${RELAY_PARENT_PID:-$PPID}
api=http://127.0.0.1:$api_port
mysql_pid=
daemons=() names=()
watcher=
stopping=0

say() { printf 'relay: %s\n' "$*" >&2; }

# Stops every daemon, waits for them, then MariaDB: a daemon still running when MySQL goes away would
# print its driver's stack traces.
stop_all() {
  [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
  for pid in "${daemons[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 100); do
    alive=0; for pid in "${daemons[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for pid in "${daemons[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if [ -n "$mysql_pid" ]; then
    kill -TERM "$mysql_pid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$mysql_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$mysql_pid" 2>/dev/null
  fi
  # The prefixing seds outlive Ctrl-C (see prefix) to pass on the daemons' last lines; let them finish.
  sleep 0.3
}

finish() {
  local code=$1
  trap - INT TERM HUP EXIT
  [ $stopping = 1 ] && exit "$code"
  stopping=1
  say "stopping"
  stop_all
  if [ "$code" = 0 ]; then say "stopped"; else say "stopped after a failure (exit code $code)"; fi
  exit "$code"
}
trap 'finish 0' INT TERM HUP
trap 'finish $?' EXIT
fail() { say "$*"; exit 1; }

scripts/ensure-mariadb.sh || fail "MariaDB is not installed and could not be installed"
for p in "$api_port" $((8001 + offset)) $((8002 + offset)) $((5001 + offset)) $((5002 + offset)) "$mysql_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    fail "port $p is in use; stop what holds it (or set RELAY_PORT_OFFSET / RELAY_MYSQL_PORT)"
  fi
done

if [ "${RELAY_BUILD:-1}" != 0 ]; then
  say "building"
  dotnet build Relay.slnx -c "$configuration" --nologo -v quiet -clp:ErrorsOnly || fail "the build failed"
fi

[ "${RELAY_KEEP_DATA:-0}" = 1 ] || rm -rf "$state"
# Credentials and databases are for this user only.
umask 077
mkdir -p "$state"
say "starting MariaDB on 127.0.0.1:$mysql_port (data in $state/mysql)"
mysql_pid=$(scripts/mariadb.sh "$(cd "$state" && pwd)/mysql" "$mysql_port") || fail "MariaDB did not start; see $state/mysql/error.log"
mariadb --no-defaults --socket="$state/mysql/mysql.sock" -uroot -e "
  CREATE DATABASE IF NOT EXISTS relay CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE USER IF NOT EXISTS 'relay'@'127.0.0.1' IDENTIFIED BY 'relay';
  GRANT ALL ON relay.* TO 'relay'@'127.0.0.1';" || fail "MariaDB refused to create the relay database"

# Ctrl-C reaches every process of the terminal's group: the seds ignore it, so the daemons' own
# shutdown lines still get through them.
prefix() { trap '' INT; exec sed -u "s/^/[$1] /"; }

say "starting server on $api (Swagger UI: $api/swagger)"
ConnectionStrings__Relay="Server=127.0.0.1;Port=$mysql_port;Database=relay;User ID=relay;Password=relay" \
Urls=$api \
Auth__ApiKey="$api_key" Credentials__MasterKey="$master_key" \
Seed__Clients__0__Name="Client #1" Seed__Clients__0__Host=127.0.0.1 Seed__Clients__0__Port=$((5001 + offset)) \
Seed__Clients__0__CredentialFile="$state/client1/credential" \
Seed__Clients__1__Name="Client #2" Seed__Clients__1__Host=127.0.0.1 Seed__Clients__1__Port=$((5002 + offset)) \
Seed__Clients__1__CredentialFile="$state/client2/credential" \
Seed__Personnel__0__Name=Isaac Seed__Personnel__0__Surname=Newton Seed__Personnel__0__Ssn=12345678900 \
Seed__Personnel__1__Name=Albert Seed__Personnel__1__Surname=Einstein Seed__Personnel__1__Ssn=98765432100 \
  dotnet "server/bin/$configuration/net10.0/Relay.Server.dll" > >(prefix server) 2>&1 &
daemons+=($!) names+=(server)

for n in 1 2; do
  tcp=$((5000 + n + offset)) http=http://127.0.0.1:$((8000 + n + offset))
  say "starting client $n on TCP $tcp, HTTP $http"
  mkdir -p "$state/client$n"
  Client__DatabasePath="$state/client$n/client.db" Client__TcpPort=$tcp Client__HttpUrl=$http \
  Client__CredentialFile="$state/client$n/credential" Client__ReadApiKey="$api_key" \
    dotnet "client/bin/$configuration/net10.0/Relay.Client.dll" > >(prefix "client$n") 2>&1 &
  daemons+=($!) names+=("client$n")
done

# One line once everything answers, so a newcomer knows when to start and where to go.
up() { curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null; }
key_hint="X-Api-Key: $api_key"; [ -n "${RELAY_API_KEY:-}" ] && key_hint="X-Api-Key: the value of RELAY_API_KEY"
c1=http://127.0.0.1:$((8001 + offset)) c2=http://127.0.0.1:$((8002 + offset))
(
  for _ in $(seq 1 600); do
    if up "$api/health/ready" && up "$c1/health" && up "$c2/health"; then
      say "ready: API $api (Swagger UI $api/swagger, dashboard $api/dashboard), clients $c1 and $c2; $key_hint; Ctrl-C stops"
      exit 0
    fi
    sleep 0.2
  done
  say "not ready after 2 minutes; see the lines above"
) &
watcher=$!

# Foreground until Ctrl-C, until make itself is killed, or until a part dies.
while kill -0 "$parent" 2>/dev/null; do
  for i in "${!daemons[@]}"; do
    if ! kill -0 "${daemons[$i]}" 2>/dev/null; then
      wait "${daemons[$i]}"; code=$?
      why="exited with code $code"; [ $code -gt 128 ] && why="was killed by signal $((code - 128))"
      [ $code = 2 ] && why="refused a setting (exit code 2)"
      fail "${names[$i]} $why; its last lines are above, prefixed [${names[$i]}]"
    fi
  done
  kill -0 "$mysql_pid" 2>/dev/null || { mysql_pid=; fail "MariaDB exited; see $state/mysql/error.log"; }
  sleep 0.5
done
