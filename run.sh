#!/usr/bin/env bash
# Runs one durable Ainur node: a local PostgreSQL (scripts/pg.sh, data in .data/pg-node) and the gateway with a
# co-hosted silo on http://127.0.0.1:5080. Extra arguments go to the gateway (e.g. --urls http://127.0.0.1:6000).
# Set Ainur__Postgres__ConnectionString to use another database instead of the local one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

if [ -z "${Ainur__Postgres__ConnectionString:-}" ]; then
  bash scripts/pg.sh start node
  export Ainur__Postgres__ConnectionString="$(bash scripts/pg.sh url node)"
fi

# The node's own files (its generated development keys, node-keys.json) sit beside its database in .data/.
export Ainur__DataDir="${Ainur__DataDir:-$root/.data}"

dotnet build Gateway/Ainur.Gateway.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
cd Gateway/bin/Release/net10.0
exec dotnet Ainur.Gateway.dll "$@"
