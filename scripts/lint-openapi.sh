#!/usr/bin/env bash
# Lints both API descriptions (openapi.yaml, client/openapi.yaml) with the @redocly/cli pinned in
# tools/openapi-lint and the rules in redocly.yaml. The tests keep both files equal to what the
# daemons serve, so this lints the served documents too.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=tools/openapi-lint
if ! command -v node >/dev/null 2>&1; then
  echo "lint-openapi: Node.js 20.19+ (or 22.12+) and npm are needed; .ci/run installs them" >&2
  exit 1
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error >/dev/null
# Redocly fails on errors only; a warning fails here too, as the descriptions are kept at none.
status=0
report=$("$tool/node_modules/.bin/redocly" lint openapi.yaml client/openapi.yaml --config redocly.yaml --format=stylish 2>&1) || status=$?
echo "$report" | grep -v -e 'Node.js 20' -e 'Future Redocly' -e 'You are using Node' -e 'Update Node.js' -e '^ *║ *║$' -e '^ *[╔╚]' || true
if [ "$status" -ne 0 ] || grep -qE '^ +[0-9]+:[0-9]+ +warning ' <<<"$report"; then
  echo "lint-openapi: openapi.yaml or client/openapi.yaml breaks a rule above (fix the server's or client's endpoint metadata, then make openapi)" >&2
  exit 1
fi
