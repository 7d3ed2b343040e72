#!/usr/bin/env bash
# `make secrets`: random secrets for docker compose in ./secrets, one file each. The directory is
# the owner's only; the files inside are world-readable because compose mounts each one into its
# containers as it is, where the daemons run as a non-root user. An existing file is kept, so
# running it again changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p secrets
chmod 700 secrets
umask 022
for name in mysql_password mysql_root_password relay_api_key relay_master_key client_read_key; do
  if [ -s "secrets/$name" ]; then echo "secrets/$name: kept"; continue; fi
  openssl rand -base64 48 | tr -d '\n/+=' > "secrets/$name"
  echo "secrets/$name: written"
done
