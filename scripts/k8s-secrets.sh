#!/usr/bin/env bash
# Prints, as YAML on standard output, the Secrets the manifests in k8s/ read, filled with fresh random values:
#   ainur-postgres     password (PostgreSQL's), connection-string (Npgsql's, for silos and gateways)
#   ainur-ledger-keys  Ainur__Ledger__ValidatorKeys__<i> for i < VALIDATORS, Ainur__Ledger__OrchestratorKey
#   ainur-cluster-tls  kubernetes.io/tls: tls.crt, tls.key, ca.crt (cert-manager's layout) for the cluster's mutual TLS:
#                      a fresh authority and one node certificate (TLS server and client) that every silo and gateway
#                      shows, valid for DAYS days (AINUR_TLS_DAYS, default 365). The authority's key is thrown away:
#                      to renew, replace the Secret with a new run's and restart silos and gateways together. In
#                      production, let cert-manager's CA issuer write this Secret instead (README, Kubernetes).
# Usage: scripts/k8s-secrets.sh NAMESPACE [VALIDATORS=4] | kubectl create -f -
# `create`, not `apply`: it refuses to replace Secrets that exist. The ledger keys are part of the chain's genesis;
# new ones on an existing database make a different chain. Only the certificates touch the disk, in a private
# temporary folder removed on exit. KUBECTL picks the kubectl; openssl makes the certificates.
set -euo pipefail

namespace="${1:?usage: scripts/k8s-secrets.sh NAMESPACE [VALIDATORS]}"
validators="${2:-4}"
kubectl="${KUBECTL:-kubectl}"
days="${AINUR_TLS_DAYS:-365}"
if ! [[ "$validators" =~ ^[1-9][0-9]*$ ]]; then
  echo "k8s-secrets.sh: VALIDATORS must be a positive number, got '$validators'" >&2
  exit 2
fi
if ! [[ "$days" =~ ^[1-9][0-9]*$ ]]; then
  echo "k8s-secrets.sh: AINUR_TLS_DAYS must be a positive number, got '$days'" >&2
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
echo "---"
tls="$(mktemp -d "${TMPDIR:-/tmp}/ainur-cluster-tls.XXXXXX")"   # mode 0700
trap 'rm -rf "$tls"' EXIT
certificates() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" -subj "/CN=ainur-cluster-ca" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ainur-node" -keyout "$tls/tls.key" -out "$tls/tls.csr" &&
  # Silos both accept and dial, gateways dial: server and client authentication. No host name: peers are dialled by IP.
  printf '%s\n' basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature extendedKeyUsage=serverAuth,clientAuth > "$tls/node.ext" &&
  openssl x509 -req -in "$tls/tls.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days "$days" \
    -extfile "$tls/node.ext" -out "$tls/tls.crt"
}
certificates 2>"$tls/openssl.log" || { echo "k8s-secrets.sh: openssl could not make the cluster's certificates:" >&2; cat "$tls/openssl.log" >&2; exit 1; }
"$kubectl" create secret generic ainur-cluster-tls --type=kubernetes.io/tls --namespace "$namespace" --dry-run=client -o yaml \
  --from-file=tls.crt="$tls/tls.crt" --from-file=tls.key="$tls/tls.key" --from-file=ca.crt="$tls/ca.crt"
