#!/usr/bin/env bash
# The flakiness proof: `npm test` N times in a row (default 3) while a CPU burner loads every
# core, each run's result line and wall time printed. Stops at the first failing run.
#   bash scripts/flaky-check.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
cores="$(nproc)"
burners=()
stop_burners() { kill "${burners[@]}" 2>/dev/null || true; }
trap stop_burners EXIT
for _ in $(seq "$cores"); do
    # A busy loop at normal priority: it competes for every core with the tests.
    node -e 'for (;;) {}' &
    burners+=("$!")
done
# npm scripts put node_modules/.bin first: the node the tests run on is the devDependency's.
echo "flaky-check: $runs runs of npm test, $cores CPU burner(s) running (tests on Node $(PATH="$PWD/node_modules/.bin:$PATH" node --version))"
for run in $(seq "$runs"); do
    started=$(date +%s)
    log="$(mktemp)"
    if npm test >"$log" 2>&1; then status=0; else status=$?; fi
    result="$(grep -E '^tests: ' "$log" | tail -1 || true)"
    echo "run $run: ${result:-no result line} (exit $status, $(( $(date +%s) - started )) s)"
    if [ "$status" != 0 ]; then
        tail -60 "$log"
        exit "$status"
    fi
    rm -f "$log"
done
