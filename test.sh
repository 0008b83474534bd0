#!/usr/bin/env bash
# The project's one test command.
#   ./test.sh            every test project, without the slow tier (trait Category=Slow)
#   ./test.sh --all      slow tier included
#   ./test.sh ARGS...    ARGS go to the test apps, e.g. --filter-class 'Ainur.Grains.Tests.Storage.*'
# Ends with one line "N passed, N failed[, N skipped]"; exits 0 only if nothing failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

all=0
passthrough=()
for arg in "$@"; do
  if [[ "$arg" == "--all" ]]; then all=1; else passthrough+=("$arg"); fi
done

# Anything that stops the run before tests report counts as one failure, never as "0 failed".
abort() {
  echo "test.sh: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

scripts/pg.sh start test || abort "could not start the test PostgreSQL (scripts/pg.sh start test)"
AINUR_TEST_PG="${AINUR_TEST_PG:-$(scripts/pg.sh url test)}"
export AINUR_TEST_PG

dotnet build Ainur.sln -c Release --nologo -v minimal || abort "build failed"

filter=()
# xunit cannot combine a query filter with the trait filter; a query can exclude the slow tier itself.
if (( ! all )) && [[ " ${passthrough[*]-} " != *" --filter-query "* ]]; then
  filter=(--filter-not-trait "Category=Slow")
fi

# Grain and gateway tests run in an order drawn from xunit's seed (tests/Ainur.Testing/SeededOrder.cs): a new one each
# run unless --seed is given, printed so that a failing order can be replayed.
if [[ " ${passthrough[*]-} " != *" --seed "* ]]; then
  seed=$(( (RANDOM << 15) | RANDOM ))
  passthrough+=(--seed "$seed")
  echo "test.sh: test order seed $seed (replay with: ./test.sh --seed $seed)"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Exit code 8 means "no test ran" in one test app: expected when a filter selects another project only.
dotnet test --solution Ainur.sln -c Release --no-build --no-progress --no-ansi \
  --ignore-exit-code 8 "${filter[@]}" "${passthrough[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# MTP's closing summary, aggregated over all test apps: "  total: N", "  failed: N", ...
count() { grep -E "^[[:space:]]*$1: [0-9]+\$" "$log" | tail -n 1 | grep -oE '[0-9]+' || true; }
total="$(count total)"
failed="$(count failed)"
passed="$(count succeeded)"
skipped="$(count skipped)"

if [[ -z "$total" || -z "$failed" || -z "$passed" ]]; then
  abort "dotnet test printed no summary (exit code $status)"
fi
if (( status != 0 && failed == 0 )); then
  echo "test.sh: dotnet test exited with $status although no test failed (a test app crashed?)" >&2
  failed=1
fi
if (( total == 0 )); then
  echo "test.sh: no test ran" >&2
  failed=1
fi

# The names again at the end, where a log's tail shows them (MTP prints each as "failed <name> (<duration>)").
if (( failed > 0 )); then
  echo "test.sh: failed tests (seed ${seed:-given}):"
  grep -E '^failed [^ ]' "$log" | sed 's/^/  /' || true
fi

summary="$passed passed, $failed failed"
if (( ${skipped:-0} > 0 )); then summary+=", $skipped skipped"; fi
echo "$summary"
(( failed == 0 ))
