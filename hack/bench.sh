#!/usr/bin/env bash
# Reproducible end-to-end timings of the CLI: validate + render to disk of
# the 200-device fabric (8 spines x 192 leaves) and the 10,000-device
# 5-stage fabric, with peak memory (GNU time's max RSS when available).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/underlay}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # name, gen flags...
	local name=$1
	shift
	"$bin" gen clos "$@" >"$work/$name.yaml"
	local t0 t1
	t0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "$name: peak RSS %M KiB" "$bin" render -q "$work/$name.yaml" -o "$work/$name.out"
	else
		"$bin" render -q "$work/$name.yaml" -o "$work/$name.out"
	fi
	t1=$(date +%s.%N)
	printf '%s: validate + render to disk: %.3f s (%s files)\n' "$name" "$(echo "$t1 - $t0" | bc)" \
		"$(find "$work/$name.out" -type f | wc -l)"
}

run clos-200 --spines 8 --leaves 192
run clos-10000 --superspines 16 --pods 64 --spines 4 --leaves 152
