#!/usr/bin/env bash
# The load tools against real processes (never run by CI; BENCHMARKS.md has the numbers), all in one command so that
# the runs share the same (noisy) machine state: a durable standalone node (grain-load and http-load, every scenario),
# then clusters of 1, 2 and 3 silo processes on this machine with one cluster gateway (grain-load every scenario;
# http-load register and transfers: a cluster has no faucet for the task clients), each on a fresh database of
# scripts/pg.sh's bench instance (fsync on), dropped after. Results files go to $AINUR_LOAD_OUT, then the tables.
#   scripts/load-bench.sh [--seconds N] [--warmup N] [--concurrency C]      (defaults: 10 s, 2 s, C = 32)
# AINUR_LOAD_PARTS="standalone cluster" (the default) picks the parts to run.
# Ports: AINUR_PG_BENCH_PORT (PostgreSQL), AINUR_LOAD_PORT_BASE (default 5095: HTTP 5095-5096, silos 11195+, gateways 30095+).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
out="${AINUR_LOAD_OUT:-$root/tests/Ainur.LoadTests/results}"
base="${AINUR_LOAD_PORT_BASE:-5095}"
work="$(mktemp -d)"
mkdir -p "$out"
export AINUR_LOAD_SCRIPT="scripts/load-bench.sh $*"

dotnet build Ainur.sln -c Release -nologo -v q -clp:NoSummary >&2
bash scripts/pg.sh start bench
admin="$(bash scripts/pg.sh url bench)"
psql_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql"
port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$admin")"
sql() { "$psql_bin" -X -q -t -A -h 127.0.0.1 -p "$port" -U postgres -d "${2:-postgres}" -c "$1"; }
tool() { dotnet "$root/tests/Ainur.LoadTests/bin/Release/net10.0/Ainur.LoadTests.dll" "$@"; }
ainur() { dotnet "$root/Cli/bin/Release/net10.0/ainur.dll" "$@"; }

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

fresh_db() { sql "drop database if exists $1 with (force)"; sql "create database $1"; sed "s/Database=postgres/Database=$1/" <<<"$admin"; }
wait_ready() { for _ in $(seq 1 120); do curl -sf "$1/readyz" >/dev/null && return 0; sleep 1; done; echo "not ready: $1" >&2; exit 1; }
wait_silos() {
  for _ in $(seq 1 120); do
    [[ "$(sql "select count(*) from orleans_membership where deployment_id = '$1' and status = 3" "$1" 2>/dev/null || echo 0)" == "$2" ]] && return 0
    sleep 1
  done
  echo "fewer than $2 silos active in $1" >&2; exit 1
}

common=(Logging__LogLevel__Default=Warning Ainur__Gateway__PerIp__PerSecond=0 Ainur__Gateway__PerDid__PerSecond=0)

parts="${AINUR_LOAD_PARTS:-standalone cluster}"

# 1. A durable standalone node (gateway with its co-hosted silo), as ./run.sh runs it.
if [[ $parts == *standalone* ]]; then
db=ainur_load_standalone
conn="$(fresh_db $db)"
(cd Gateway/bin/Release/net10.0 && exec env "${common[@]}" Ainur__Mode=Standalone Ainur__Postgres__ConnectionString="$conn" \
  Ainur__Cluster__ClusterId=load Ainur__Cluster__ServiceId=load Ainur__Cluster__SiloPort=$((base + 6100)) Ainur__Cluster__GatewayPort=$((base + 25000)) \
  Ainur__DataDir="$work/standalone" dotnet Ainur.Gateway.dll --urls "http://127.0.0.1:$base" >"$work/standalone.log" 2>&1) &
pids+=($!)
wait_ready "http://127.0.0.1:$base"
tool grain-load --gateway-port $((base + 25000)) --cluster-id load --service-id load --out "$out/standalone-grain.json" "$@"
tool http-load --target "http://127.0.0.1:$base" --silos 1 --out "$out/standalone-http.json" "$@"
stop_all
sql "drop database $db with (force)"
fi

# 2. Clusters of 1, 2 and 3 silo processes (ADO.NET clustering in PostgreSQL), one gateway, genesis funds a funder account.
if [[ $parts == *cluster* ]]; then
ainur keys new --out "$work/funder.json" --unencrypted >/dev/null
funder="$(ainur keys show --key "$work/funder.json" | head -1)"
secrets=(Ainur__Ledger__ChainId=load-chain Ainur__Ledger__OrchestratorKey="$(head -c 32 /dev/urandom | base64)"
  Ainur__Ledger__Allocations__0__Account="$funder" Ainur__Ledger__Allocations__0__Amount=1000000000000)
for i in 0 1 2 3; do secrets+=(Ainur__Ledger__ValidatorKeys__$i="$(head -c 32 /dev/urandom | base64)"); done
# Cluster mode runs mutual TLS: an authority and one node certificate, as the README's cluster by hand makes them.
mkdir -p "$work/tls"
(cd "$work/tls" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=load-ca -keyout ca.key -out ca.crt &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=load-node -keyout tls.key -out tls.csr &&
  echo extendedKeyUsage=serverAuth,clientAuth > node.ext &&
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile node.ext -out tls.crt) >/dev/null 2>&1
for silos in 1 2 3; do
  db=ainur_load_s$silos
  conn="$(fresh_db $db)"
  cluster=(Ainur__Mode=Cluster Ainur__Postgres__ConnectionString="$conn" Ainur__Cluster__ClusterId=$db Ainur__Cluster__ServiceId=$db
    Ainur__Cluster__Tls__Directory="$work/tls")
  for s in $(seq 1 $silos); do
    # The first silo migrates the schema; the others wait for it to be active.
    (cd Silo/bin/Release/net10.0 && exec env "${common[@]}" "${cluster[@]}" "${secrets[@]}" Ainur__Postgres__MigrateOnStart=$([[ $s == 1 ]] && echo true || echo false) \
      Ainur__Cluster__SiloPort=$((base + 6100 + s)) Ainur__Cluster__GatewayPort=$((base + 25000 + s)) dotnet Ainur.Silo.dll --urls "http://127.0.0.1:$((base + 10 + s))" >"$work/silo-$silos-$s.log" 2>&1) &
    pids+=($!)
    [[ $s == 1 ]] && wait_silos $db 1
  done
  wait_silos $db $silos
  Ainur__Cluster__Tls__Directory="$work/tls" tool grain-load --postgres "$conn" --cluster-id $db --service-id $db --funder-key "$work/funder.json" --out "$out/cluster-$silos-grain.json" "$@"
  (cd Gateway/bin/Release/net10.0 && exec env "${common[@]}" "${cluster[@]}" Ainur__Postgres__MigrateOnStart=false dotnet Ainur.Gateway.dll --urls "http://127.0.0.1:$((base + 1))" >"$work/gateway-$silos.log" 2>&1) &
  pids+=($!)
  wait_ready "http://127.0.0.1:$((base + 1))"
  tool http-load --target "http://127.0.0.1:$((base + 1))" --scenario register,transfers --silos $silos --funder-key "$work/funder.json" --out "$out/cluster-$silos-http.json" "$@"
  stop_all
  sql "drop database $db with (force)"
done
fi

shopt -s nullglob
tool render --no-scaling "$out"/standalone-*.json
tool render "$out"/cluster-*.json
