# Relay: `make run` starts the whole stack locally, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test build native-client published-server format unit integration e2e cluster chaos bench bench-compare openapi lint-openapi install-cli secrets up down clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: ## Start MariaDB, the server (:8080) and two clients (:8001, :8002) in the foreground; Ctrl-C stops all
	@# perl restores default SIGINT handling: a stack started in the background by a script
	@# inherits SIGINT ignored, and the shell could not trap Ctrl-C otherwise.
	@RELAY_PARENT_PID=$$PPID exec perl -e '$$SIG{INT} = $$SIG{QUIT} = "DEFAULT"; exec @ARGV or die "$$!"' scripts/run.sh

build: ## Build everything (warnings are errors; a file CSharpier would lay out differently is an error too)
	dotnet build Relay.slnx --nologo -v quiet -clp:ErrorsOnly

native-client: ## Publish the client daemon as Native AOT into client/bin/native (needs clang and zlib1g-dev)
	dotnet publish client/Relay.Client.csproj -c Release -o client/bin/native --nologo -v quiet -clp:ErrorsOnly

published-server: ## Publish the server as its image ships it (Release, ReadyToRun) into server/bin/publish
	dotnet publish server/Relay.Server.csproj -c Release -o server/bin/publish --nologo -v quiet -clp:ErrorsOnly

format: ## Lay out the C# with CSharpier at 120 columns (what the build checks), then build
	dotnet build Relay.slnx --nologo -v quiet -clp:ErrorsOnly -p:CSharpier_Check=false

test: build ## Run the whole suite: the API descriptions' lint, unit, integration (private MariaDB) and end to end (real processes, the daemons as they ship, headless Chromium)
	@scripts/lint-openapi.sh
	@scripts/ensure-mariadb.sh
	@scripts/ensure-chromium.sh
	@scripts/ensure-netfaults.sh
	@scripts/ensure-galera.sh
	@# One suite after another: run side by side they quadruple the processes on two cores, and the
	@# timing assertions of end to end then measure the machine's queue instead of Relay. The daemons
	@# are published meanwhile (one after the other: they share obj/Release), as they ship: the native
	@# client (2.5 minutes of compiling) and the ReadyToRun server, which starts on a fifth less CPU
	@# than the build output, and end to end starts a hundred and more. `make e2e` runs the build output.
	@mkdir -p .relay; { $(MAKE) --no-print-directory native-client published-server; } >.relay/publish.log 2>&1 & published=$$!; \
	rc=0; for suite in Unit Integration; do \
	  echo "== $$suite"; \
	  dotnet test tests/Relay.Tests.$$suite --no-build --nologo -v quiet --logger "console;verbosity=minimal" || rc=1; \
	done; \
	wait $$published || { cat .relay/publish.log; echo "relay: the daemons did not publish"; exit 1; }; \
	echo "== EndToEnd"; \
	RELAY_CLIENT_NATIVE=$(CURDIR)/client/bin/native/Relay.Client RELAY_SERVER=$(CURDIR)/server/bin/publish/Relay.Server.dll \
	  dotnet test tests/Relay.Tests.EndToEnd --no-build --nologo -v quiet --logger "console;verbosity=minimal" || rc=1; \
	exit $$rc

unit: build ## Unit tests only
	dotnet test tests/Relay.Tests.Unit --no-build --nologo

integration: build ## Integration tests against a private MariaDB
	dotnet test tests/Relay.Tests.Integration --no-build --nologo

e2e: build ## End-to-end tests with real server and client processes (the cluster suite among them)
	@scripts/ensure-mariadb.sh
	@scripts/ensure-chromium.sh
	@scripts/ensure-netfaults.sh
	@scripts/ensure-galera.sh
	dotnet test tests/Relay.Tests.EndToEnd --no-build --nologo

cluster: build ## The cluster suite alone: two instances on a private 3-node Galera cluster, node kills and rejoins
	@scripts/ensure-mariadb.sh
	@scripts/ensure-galera.sh
	dotnet test tests/Relay.Tests.EndToEnd --no-build --nologo --filter "FullyQualifiedName~Cluster"

chaos: build ## The long randomized crash and partition tests, on one MariaDB and on a Galera cluster (RELAY_CHAOS_SECONDS, default 330 each; RELAY_CHAOS_SEED replays a run)
	@scripts/ensure-mariadb.sh
	@scripts/ensure-netfaults.sh
	@scripts/ensure-galera.sh
	RELAY_CHAOS_SECONDS=$${RELAY_CHAOS_SECONDS:-330} dotnet test tests/Relay.Tests.EndToEnd --no-build --nologo \
	  --filter "FullyQualifiedName~Chaos" --logger "console;verbosity=detailed"

bench: native-client ## Benchmark a fresh Release stack (the native client, the published server): bulk 100k x 4 clients, single-op latency, cold start, raw limits, RSS, a fleet, a Galera cluster; writes bench/results.json and bench/runs/
	@scripts/ensure-mariadb.sh
	@scripts/ensure-galera.sh
	dotnet build Relay.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
	@# The server as its image publishes it (ReadyToRun); RELAY_SERVER= for the build output.
	@$(MAKE) --no-print-directory published-server
	RELAY_SERVER=$${RELAY_SERVER-$(CURDIR)/server/bin/publish/Relay.Server.dll} \
	RELAY_CLIENT_NATIVE=$${RELAY_CLIENT_NATIVE-$(CURDIR)/client/bin/native/Relay.Client} \
	  dotnet bench/Relay.Bench/bin/Release/net10.0/Relay.Bench.dll

bench-compare: ## Compare two bench runs' figures (default: the last two in bench/runs; or A=file B=file)
	@a="$${A:-$$(ls -t bench/runs/*.json 2>/dev/null | sed -n 2p)}"; b="$${B:-$$(ls -t bench/runs/*.json 2>/dev/null | sed -n 1p)}"; \
	  if [ -z "$$a" ] || [ -z "$$b" ]; then echo "bench-compare: two runs are needed (make bench twice, or A= B=)" >&2; exit 2; fi; \
	  dotnet bench/Relay.Bench/bin/Release/net10.0/Relay.Bench.dll compare "$$a" "$$b"

openapi: build ## Rewrite openapi.yaml and client/openapi.yaml from the documents the daemons serve, then lint them
	RELAY_UPDATE_OPENAPI=1 dotnet test tests/Relay.Tests.Integration --no-build --nologo --filter "FullyQualifiedName~OpenApi"
	RELAY_UPDATE_OPENAPI=1 dotnet test tests/Relay.Tests.EndToEnd --no-build --nologo --filter "FullyQualifiedName~ClientApiDocument"
	@scripts/lint-openapi.sh

lint-openapi: ## Lint openapi.yaml and client/openapi.yaml (@redocly/cli pinned in tools/openapi-lint, rules in redocly.yaml)
	@scripts/lint-openapi.sh

install-cli: ## Pack the relay command (tools/relay) and install it as a global dotnet tool (~/.dotnet/tools)
	dotnet pack tools/relay -c Release --nologo -v quiet -o .relay/packages
	@# Uninstalled first: the version stays 1.0.0, and an update to the same version would keep the old build.
	-@dotnet tool uninstall --global Relay.Cli >/dev/null 2>&1
	dotnet tool install --global Relay.Cli --add-source .relay/packages

secrets: ## Write random secrets for docker compose into ./secrets (existing ones are kept)
	@scripts/make-secrets.sh

up: secrets ## Build and start the stack with docker compose (needs a Docker engine); see README, "Run with docker compose"
	docker compose up --build -d

down: ## Stop the docker compose stack (volumes are kept)
	docker compose down

clean: ## Remove build output and local run data
	rm -rf .relay tools/openapi-lint/node_modules */bin */obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
