#!/usr/bin/env bash
# Starts node N (1-3) of a private 3-node MariaDB Galera cluster on loopback, in the background,
# and waits until it is Synced. Node N listens on 127.0.0.N: every node has the same ports, so one
# connection string names all three (Server=127.0.0.1,127.0.0.2,127.0.0.3;Port=PORT).
# Prints the node's pid: a joiner writes its pid file only after its state transfer.
#
# Usage: scripts/galera-node.sh DIR N PORT GROUP_PORT MODE
#   DIR        the cluster's folder (node N keeps its data in DIR/nodeN)
#   PORT       the MySQL port of every node
#   GROUP_PORT Galera's group port; GROUP_PORT+1 is IST, GROUP_PORT+2 the state transfer (SST)
#   MODE       new     bootstrap a new cluster on this node (first start of node 1)
#              join    join the running cluster (a new node takes a full SST from a donor)
#              recover start again after a crash: find its position, rejoin by IST when it can
#              bootstrap-recovered  start a new primary component from this node's data, after
#                      every node went down (the one with the highest recovered position)
set -euo pipefail
dir=$1 n=$2 port=$3 group=$4 mode=$5
export PATH="$PATH:/usr/sbin:/usr/bin"
node="$dir/node$n" addr="127.0.0.$n"
mkdir -p "$node/tmp"
provider=/usr/lib/galera/libgalera_smm.so
[ -f "$provider" ] || provider=/usr/lib/libgalera_smm.so
[ -f "$provider" ] || { echo "relay: galera-4 is not installed (make test installs it)" >&2; exit 1; }

# The SST script reads its settings from a defaults file, so the node's whole configuration is one.
cat >"$node/my.cnf" <<EOF
[mysqld]
datadir=$node/data
tmpdir=$node/tmp
socket=$node/mysql.sock
port=$port
bind-address=$addr
user=$(id -un)
skip-name-resolve
log-error=$node/error.log
pid-file=$node/mariadbd.pid
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# What Relay's documentation asks of a cluster: a commit is on disk before it is acknowledged.
innodb_flush_log_at_trx_commit=1
innodb_buffer_pool_size=128M
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=relay-test
wsrep_cluster_address=gcomm://127.0.0.1:$group,127.0.0.2:$group,127.0.0.3:$group
wsrep_node_address=$addr:$group
wsrep_node_name=node$n
wsrep_provider_options=gmcast.listen_addr=tcp://$addr:$group;ist.recv_addr=$addr:$((group + 1));gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S;pc.wait_prim_timeout=PT30S
# rsync SST fails in this sandbox (the donor's rsync returns 23); mariabackup works.
wsrep_sst_method=mariabackup
wsrep_sst_auth=sst:sst-secret
wsrep_sst_receive_address=$addr:$((group + 2))
[sst]
sockopt=reuseaddr
EOF

if [ ! -d "$node/data/mysql" ]; then
  mariadb-install-db --defaults-file="$node/my.cnf" --wsrep-on=OFF --auth-root-authentication-method=normal \
    --skip-test-db >"$node/install.log" 2>&1 || { cat "$node/install.log" >&2; exit 1; }
fi

extra=()
case $mode in
  new) extra=(--wsrep-new-cluster) ;;
  join) ;;
  recover | bootstrap-recovered)
    # Ask InnoDB where this node stopped, so it can rejoin by IST (or lead) instead of a full SST.
    mariadbd --defaults-file="$node/my.cnf" --wsrep-recover --log-error="$node/recover.log" >/dev/null 2>&1 || true
    position=$(grep -o 'Recovered position: .*' "$node/recover.log" | tail -1 | awk '{print $3}')
    [ -n "$position" ] && extra=(--wsrep-start-position="$position")
    if [ "$mode" = bootstrap-recovered ]; then
      sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$node/data/grastate.dat" 2>/dev/null || true
      extra+=(--wsrep-new-cluster)
    fi
    ;;
  *) echo "relay: unknown mode $mode" >&2; exit 2 ;;
esac

mariadbd --defaults-file="$node/my.cnf" "${extra[@]}" </dev/null >/dev/null 2>&1 &
pid=$!
if [ -n "${RELAY_OWNER_PID:-}" ]; then
  # The node dies with the test process that started it, however that process ends (its exit
  # handlers do not always get to run).
  (
    while kill -0 "$RELAY_OWNER_PID" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
    grep -qsa "$node/my.cnf" "/proc/$pid/cmdline" && kill -9 "$pid"
  ) </dev/null >/dev/null 2>&1 &
fi
for _ in $(seq 1 1800); do
  state=$(mariadb --no-defaults --socket="$node/mysql.sock" -uroot -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | awk '{print $2}') || true
  if [ "$state" = Synced ]; then
    if [ "$mode" = new ]; then
      mariadb --no-defaults --socket="$node/mysql.sock" -uroot -e \
        "CREATE USER IF NOT EXISTS 'sst'@'localhost' IDENTIFIED BY 'sst-secret'; GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, REPLICA MONITOR ON *.* TO 'sst'@'localhost';" \
        || { echo "relay: could not create the SST user" >&2; kill "$pid"; exit 1; }
    fi
    echo "$pid"; exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "relay: Galera node $n failed to start; see $node/error.log" >&2; tail -30 "$node/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "relay: Galera node $n was not Synced within 180 s; see $node/error.log" >&2
kill "$pid" 2>/dev/null; exit 1
