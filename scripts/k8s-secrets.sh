#!/usr/bin/env bash
# Prints, as YAML on standard output, the Secrets the manifests in k8s/ read, filled with fresh random values:
#   ainur-postgres     password (PostgreSQL's), connection-string (Npgsql's, for silos and gateways)
#   ainur-ledger-keys  Ainur__Ledger__ValidatorKeys__<i> for i < VALIDATORS, Ainur__Ledger__OrchestratorKey
# Usage: scripts/k8s-secrets.sh NAMESPACE [VALIDATORS=4] | kubectl create -f -
# `create`, not `apply`: it refuses to replace Secrets that exist. The ledger keys are part of the chain's genesis;
# new ones on an existing database make a different chain. Nothing is written to disk. KUBECTL picks the kubectl.
set -euo pipefail

namespace="${1:?usage: scripts/k8s-secrets.sh NAMESPACE [VALIDATORS]}"
validators="${2:-4}"
kubectl="${KUBECTL:-kubectl}"
if ! [[ "$validators" =~ ^[1-9][0-9]*$ ]]; then
  echo "k8s-secrets.sh: VALIDATORS must be a positive number, got '$validators'" >&2
  exit 2
fi

seed() { head -c 32 /dev/urandom | base64; }
password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"   # hex: nothing to escape in a connection string

"$kubectl" create secret generic ainur-postgres --namespace "$namespace" --dry-run=client -o yaml \
  --from-literal=password="$password" \
  --from-literal=connection-string="Host=ainur-postgres;Port=5432;Database=ainur;Username=ainur;Password=$password"
echo "---"
keys=(--from-literal=Ainur__Ledger__OrchestratorKey="$(seed)")
for ((i = 0; i < validators; i++)); do
  keys+=(--from-literal=Ainur__Ledger__ValidatorKeys__$i="$(seed)")
done
"$kubectl" create secret generic ainur-ledger-keys --namespace "$namespace" --dry-run=client -o yaml "${keys[@]}"
