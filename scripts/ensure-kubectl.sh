#!/usr/bin/env bash
# Prints the path of a kubectl that can render k8s/ (`kubectl kustomize`), installing one when there is none:
# Debian's kubernetes-client package (kubectl 1.20, whose kustomize v2 the kustomization files are kept readable by).
# Only the Debian archive is needed. Used by the deployment tests (tests/Ainur.Deployment.Tests); KUBECTL wins if set.
set -euo pipefail

if [[ -n "${KUBECTL:-}" ]]; then
  command -v "$KUBECTL"
  exit 0
fi
if command -v kubectl >/dev/null 2>&1; then
  command -v kubectl
  exit 0
fi

sudo=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-kubectl.sh: no kubectl, and not root to install kubernetes-client" >&2; exit 1; }
  sudo=(sudo -n)
fi
# Another job may hold dpkg's lock (a second test installing its tools): wait for it rather than fail.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q)
{ "${apt[@]}" install --no-install-recommends kubernetes-client || { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends kubernetes-client; }; } >&2
command -v kubectl
