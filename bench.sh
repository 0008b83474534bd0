#!/usr/bin/env bash
# The benchmark command (never run by CI): a durable PostgreSQL (fsync on), a Release build, both benches.
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
