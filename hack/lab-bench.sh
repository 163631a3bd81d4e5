#!/usr/bin/env bash
# Lab performance (root): convergence of the seed lab, 2 x 8 and 4 x 36
# fabrics, and lab sync → applied for change #738 (five round trips).
# Usage: KUBEBUILDER_ASSETS=$(hack/k8s-bins.sh) hack/lab-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build
dir=${LAB_DIR:-/run/underlay-lab-bench}
U=(bin/underlay lab --dir "$dir")
tmp=$(mktemp -d)
trap '"${U[@]}" down >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

# run CMD...: its output to $tmp/out; shown whole if it fails.
run() { "$@" >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }; }

echo "== seed lab"
run "${U[@]}" up examples/seed-lab/fabric.yaml
grep -E 'applied its config|lab up in' "$tmp/out"
for i in 1 2 3 4 5; do
	run "${U[@]}" sync examples/seed-lab-update/fabric.yaml
	grep 'every device applied' "$tmp/out" | sed 's/^/  #738: /'
	run "${U[@]}" sync examples/seed-lab/fabric.yaml
	grep 'every device applied' "$tmp/out" | sed 's/^/  revert: /'
done
"${U[@]}" down >/dev/null

for size in "2 8" "4 36"; do
	set -- $size
	echo "== $1 x $2"
	bin/underlay gen clos --name="c$1x$2" --spines="$1" --leaves="$2" >"$tmp/fabric.yaml"
	run "${U[@]}" up "$tmp/fabric.yaml"
	grep -E 'namespaces with FRR|sync|applied its config|lab up in' "$tmp/out"
	free -m | awk '/^Mem:/ {print "  memory used with the lab up: " $3 " MiB"}'
	"${U[@]}" down >/dev/null
done
