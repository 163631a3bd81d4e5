#!/usr/bin/env bash
# The original demo's story in the lab, with readable output (make lab).
# Needs root, FRR and the Kubernetes test binaries (hack/k8s-bins.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

U=(bin/underlay lab --dir "${LAB_DIR:-/run/underlay-lab-demo}")
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pings() {
	# every device pings every loopback in $@, sourced from its own loopback
	local src from dst
	for pair in leaf1:192.0.2.1 leaf2:192.0.2.2 spine:192.0.2.100; do
		src=${pair%%:*} from=${pair#*:}
		for dst in "$@"; do
			if "${U[@]}" exec "$src" -- ping -c1 -W1 -I "$from" "$dst" >/dev/null 2>&1; then
				printf '  %-6s → %-15s ok\n' "$src" "$dst"
			else
				printf '  %-6s → %-15s unreachable\n' "$src" "$dst"
			fi
		done
	done
}

trap '"${U[@]}" down' EXIT
step "lab up examples/seed-lab (spine: SONiC emulation, leaf1: Cumulus, leaf2: NVUE emulation)"
"${U[@]}" up examples/seed-lab/fabric.yaml
"${U[@]}" status
step "every loopback pings every other"
pings 192.0.2.1 192.0.2.2 192.0.2.100
step "lab sync examples/seed-lab-update (change #738: a new loopback on each device)"
"${U[@]}" sync examples/seed-lab-update/fabric.yaml
pings 198.51.100.1 198.51.100.2 198.51.100.100
step "no session reset anywhere: every session was established once and never dropped"
for d in spine leaf1 leaf2; do
	"${U[@]}" exec "$d" -- vtysh -c 'show bgp neighbors' | grep -E '^BGP neighbor is|Connections established' | sed "s/^/  $d: /"
done
step "lab sync examples/seed-lab (the revert): 198.51.100.x must be gone everywhere"
"${U[@]}" sync examples/seed-lab/fabric.yaml
pings 198.51.100.1 198.51.100.2 198.51.100.100
"${U[@]}" status
step "lab down"
