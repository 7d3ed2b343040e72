#!/usr/bin/env bash
# Installs what the network-partition tests drive (ip netns, iptables) when it is missing. They
# create namespaces and firewall rules, so the tests themselves need root, as CI has.
set -euo pipefail
missing=()
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || missing+=(iptables)
exec "$(dirname "$0")/apt-install.sh" "${missing[@]}"
