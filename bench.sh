#!/usr/bin/env bash
# The benchmark command (never run by CI): a durable PostgreSQL (fsync on), a Release build, every bench.
#   ./bench.sh [--seconds N] [--concurrency C] [--warmup N]      (defaults: 10 s per phase, C = 32, 2 s warm-up)
# Every bench creates a throwaway database on scripts/pg.sh's "bench" instance (port 54321) and drops it after.
# Numbers are noisy on a shared machine: compare phases as ratios within one run (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

bash scripts/pg.sh start bench
export AINUR_TEST_PG="${AINUR_TEST_PG:-$(bash scripts/pg.sh url bench)}"
dotnet build tests/Ainur.LoadTests -c Release -nologo -v q -clp:NoSummary >&2

for bench in http grainwrites; do
  dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- "$bench" "$@"
done

# Grain-state writes: Orleans' ADO.NET storage against the group-commit storage, 1000 grains, in one run.
dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- storage "$@"

# Paid tasks end to end over HTTP (remote agents in process): (a) each task paid by its own escrow lock, agents one item
# per request, the path before budgets, as the baseline; (b) budgets, vouchers and batched agent feeds (issue 10);
# (d) as b, with clients accepting on result. Each phase is measured once the JIT has settled (--until-warm).
dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- tasks "$@" --concurrency 64 --until-warm --on-result

# The ledger at task load (issue 10): block sizing old vs new at fixed offered rates, then voucher settlements against
# the Ed25519 bound measured in the same run, on one core and on two (the silo's affinity).
dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- blocks "$@"
for cores in 0 0,1; do
  taskset -c "$cores" dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- vouchers "$@"
done

# The ledger: 4 validators at four loads, then 7 validators (options given to bench.sh come first and win).
for run in "--validators 4 --concurrency 96" "--validators 4 --concurrency 128" "--validators 4 --concurrency 256" "--validators 4 --concurrency 512" "--validators 7 --concurrency 256"; do
  # shellcheck disable=SC2086
  dotnet run -c Release --no-build --project tests/Ainur.LoadTests -- ledger "$@" $run
done
