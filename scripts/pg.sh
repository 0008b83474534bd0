#!/usr/bin/env bash
# Local PostgreSQL (>= 15) for Ainur: one cluster per instance, bound to 127.0.0.1.
#   scripts/pg.sh start|stop|status|url [node|test|bench|cluster|fault]
# start/stop are idempotent; status exits 0 when running, 3 when stopped; url prints an Npgsql connection string.
# Ports: AINUR_PG_NODE_PORT, AINUR_PG_TEST_PORT, AINUR_PG_BENCH_PORT, AINUR_PG_CLUSTER_PORT, AINUR_PG_FAULT_PORT override the defaults
# below (e.g. a second checkout beside a running node). The port is written into the instance's postgresql.conf when it is created, and
# passed again at every start, so a changed variable takes effect at the next start.
# node:  port 54320, .data/pg-node, durable (fsync on), database "ainur".
# test:  port 54329, .data/pg-test, throwaway (fsync/synchronous_commit/full_page_writes off).
# bench: port 54321, .data/pg-bench, durable (fsync on) like node, but its own port so bench.sh can run while a
#        node instance (possibly another checkout's) holds 54320; bench.sh creates and drops databases in it.
# cluster: port 54322, .data/pg-cluster, durable, database "ainur": for the README's cluster of silo processes by
#        hand, beside the node of run.sh (which keeps its own database).
# fault: port 54323, .data/pg-fault, throwaway like test: the fault suite's own server, which it stops and starts
#        (restarting the shared test server would break the tests running beside it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command="${1:-}"
instance="${2:-node}"

case "$instance" in
  node) port="${AINUR_PG_NODE_PORT:-54320}"; durable=1; database=ainur ;;
  test) port="${AINUR_PG_TEST_PORT:-54329}"; durable=0; database=postgres ;;
  bench) port="${AINUR_PG_BENCH_PORT:-54321}"; durable=1; database=postgres ;;
  cluster) port="${AINUR_PG_CLUSTER_PORT:-54322}"; durable=1; database=ainur ;;
  fault) port="${AINUR_PG_FAULT_PORT:-54323}"; durable=0; database=postgres ;;
  *) echo "pg.sh: unknown instance '$instance' (node|test|bench|cluster|fault)" >&2; exit 2 ;;
esac
data="$root/.data/pg-$instance"
log="$data/postgresql.log"

usage() { echo "usage: scripts/pg.sh start|stop|status|url [node|test|bench|cluster|fault]" >&2; exit 2; }

# Newest installed PostgreSQL whose major version is at least 15.
find_bin() {
  local dir major best="" best_major=0
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
    major="$(basename "$(dirname "$dir")")"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if (( major >= 15 && major > best_major )); then best="$dir"; best_major=$major; fi
  done
  [[ -n "$best" ]] && echo "$best"
}

ensure_installed() {
  bin="$(find_bin || true)"
  [[ -n "$bin" ]] && return
  if (( EUID != 0 )); then
    echo "pg.sh: PostgreSQL >= 15 not found under /usr/lib/postgresql; install the Debian package 'postgresql' (as root)" >&2
    exit 1
  fi
  echo "pg.sh: installing PostgreSQL (apt)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin="$(find_bin || true)"
  [[ -n "$bin" ]] || { echo "pg.sh: PostgreSQL >= 15 still missing after apt-get install" >&2; exit 1; }
}

# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
as_owner() {
  if (( EUID == 0 )); then runuser -u postgres -- "$@"; else "$@"; fi
}

# As root, the postgres user must be able to reach the data folder: grant traverse (x) only,
# on the ancestors that lack it (e.g. a mktemp -d clone at mode 0700).
ensure_reachable() {
  local dir="$root/.data"
  while [[ "$dir" != "/" ]]; do
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "pg.sh: granting search permission on $dir so the postgres user can reach the data folder" >&2
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}

is_running() {
  [[ -f "$data/PG_VERSION" ]] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

init_cluster() {
  mkdir -p "$root/.data"
  if (( EUID == 0 )); then
    ensure_reachable
    install -d -m 0700 -o postgres -g postgres "$data"
  else
    install -d -m 0700 "$data"
  fi
  as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
  local fsync_settings
  if (( durable )); then
    fsync_settings="fsync = on"
  else
    fsync_settings=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off'
  fi
  as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- Ainur ($instance instance, written by scripts/pg.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 500
timezone = 'UTC'
$fsync_settings
EOF
  # Trust only loopback TCP; the socket lives in the 0700 data folder, so only its owner reaches it.
  as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
}

psql_admin() {
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

start() {
  ensure_installed
  if is_running; then return; fi
  [[ -f "$data/PG_VERSION" ]] || init_cluster
  if ! as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -o "-p $port" -w -t 30 >/dev/null; then
    echo "pg.sh: PostgreSQL ($instance) failed to start; end of $log:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  if [[ "$database" != postgres ]] &&
     [[ -z "$(psql_admin -tAc "select 1 from pg_database where datname = '$database'")" ]]; then
    psql_admin -c "create database $database"
  fi
}

stop() {
  bin="$(find_bin || true)"
  [[ -n "$bin" ]] || return 0
  if is_running; then as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null; fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status)
    bin="$(find_bin || true)"
    if [[ -n "$bin" ]] && is_running; then echo "running ($instance, port $port)"; else echo "stopped ($instance)"; exit 3; fi ;;
  url) echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=$database" ;;
  *) usage ;;
esac
