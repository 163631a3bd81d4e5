#!/usr/bin/env bash
# soak.sh SEEDS: run the lab property test on seeds 1..SEEDS (or a list such
# as 3,17,40) and print each seed's outcome and the failing seeds at the end.
# Needs root and KUBEBUILDER_ASSETS (make soak sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:?usage: soak.sh N | soak.sh 3,17,40}
if [[ $seeds == *,* ]]; then
	n=$(tr ',' '\n' <<<"$seeds" | wc -l)
elif [[ $seeds =~ ^[0-9]+$ ]]; then
	n=$seeds
else
	echo "soak.sh: SEEDS=$seeds: want a count or a comma-separated list" >&2
	exit 2
fi
# About a minute a seed on two cores; the test's own deadlines fire first.
timeout=$((n * 2 + 5))m
log=$(mktemp /tmp/underlay-soak.XXXXXX)
echo "soak: $n seed(s), go test -timeout $timeout, full log in $log"
status=0
UNDERLAY_SEEDS=$seeds go test -count=1 -timeout "$timeout" -run '^TestPropertyIrregularFabrics$' -v ./internal/lab/ >"$log" 2>&1 || status=$?
grep -E '^\s+--- (PASS|FAIL): TestPropertyIrregularFabrics/|property_test.go:[0-9]+: (seed [0-9]+:|failing seeds|all [0-9]+ seeds|compared)' "$log" || true
exit $status
