#!/usr/bin/env bash
# The bare-metal story of issue #11 in the lab, with readable output (make
# lab-baremetal): the same story TestBareMetalStory runs, on its fabric
# (internal/lab/testdata/baremetal: a spine, two Cumulus leaves, Ironic's
# PXE server on leaf1, the bonded server bm1 on leaf2).
# Needs root, FRR, Open vSwitch, dnsmasq, isc-dhcp-relay/-client and the
# Kubernetes test binaries (hack/k8s-bins.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${LAB_DIR:-/run/underlay-lab-baremetal}
FABRIC=internal/lab/testdata/baremetal/fabric.yaml
U=(bin/underlay lab --dir "$DIR")
PXE=10.20.1.10
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pings() {
	# bm1 pings each label=address; want is ok or unreachable
	local want=$1 pair
	shift
	for pair in "$@"; do
		if "${U[@]}" exec bm1 -- ping -c2 -i0.3 -W1 "${pair#*=}" >/dev/null 2>&1; then
			got=ok
		else
			got=unreachable
		fi
		printf '  bm1 → %-28s %-12s (want %s)\n' "${pair%%=*} ${pair#*=}" "$got" "$want"
		[ "$got" = "$want" ] || { echo "  FAILED" >&2; exit 1; }
	done
}
lacp() {
	"${U[@]}" exec leaf2 -- ovs-appctl -t "$DIR/devices/leaf2/ovs/vswitchd.ctl" bond/show bond1 |
		grep -E '^lacp_status' | sed 's/^/  leaf2 bond1 /'
	"${U[@]}" exec leaf2 -- ovs-vsctl --db="unix:$DIR/devices/leaf2/ovs/db.sock" get port bond1 tag | sed 's/^/  leaf2 bond1 VLAN (access) /'
}
lease() {
	# a real DHCP exchange on bm1's bond: dhclient asks, configures nothing
	# (-sf /bin/true), and the lease it got is printed
	local d
	d=$(mktemp -d)
	"${U[@]}" exec bm1 -- dhclient -4 -1 -sf /bin/true -lf "$d/leases" -pf "$d/pid" bond0
	"${U[@]}" exec bm1 -- dhclient -x -pf "$d/pid" 2>/dev/null || true
	grep -E 'fixed-address|filename|server-name|option (routers|subnet-mask|dhcp-server-identifier)' "$d/leases" | tail -6 | sed 's/^ */  /'
	rm -rf "$d"
}
sessions() {
	for d in spine1 leaf1 leaf2; do
		"${U[@]}" exec "$d" -- vtysh -c 'show bgp neighbors' | grep -E 'Connections established' | sed "s/^ */  $d: /"
	done
}
moved() {
	# the one-line change: bm1's untagged network
	mkdir -p "$TMP/$1"
	sed "s/^\(  - {name: bm1, .*untagged: \)provisioning}/\1$1}/" "$FABRIC" >"$TMP/$1/fabric.yaml"
	echo "$TMP/$1/fabric.yaml"
}

TMP=$(mktemp -d)
trap '"${U[@]}" down; rm -rf "$TMP"' EXIT
step "lab up $FABRIC: bm1 PXE-boots on eth0 while leaf2's bond1 is in LACP fallback, then its OS forms the bond"
"${U[@]}" up "$FABRIC"
"${U[@]}" status
step "bm1's bond: LACP negotiated with leaf2, bond1 on provisioning"
lacp
step "bm1 asks again (dhclient on bond0): the lease comes through leaf2's dhcrelay from Ironic's dnsmasq, with the PXE options"
lease
pings ok "the PXE server=$PXE"
step "BGP sessions before the move"
sessions

step "move bm1 to tenant-a: one line of intent"
tenant=$(moved tenant-a)
diff -u "$FABRIC" "$tenant" | tail -n +3 | grep -E '^[-+]' || true
echo "  underlay diff (every device's native files):"
bin/underlay diff "$FABRIC" "$tenant" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+)' | sed 's/^/    /' || true
"${U[@]}" sync "$tenant"
lacp
step "no BGP session reset anywhere (established 1, dropped 0, as before)"
sessions
step "bm1 on tenant-a: its gateway yes; the provisioning network and the PXE server no"
"${U[@]}" exec bm1 -- ip -4 -br addr show bond0 | sed 's/^/  /'
pings ok "tenant-a's gateway=10.100.1.1"
pings unreachable "provisioning's gateway=10.10.1.1" "the PXE server=$PXE"

step "move bm1 to cleaning (one line): Ironic cleans it over PXE again"
"${U[@]}" sync "$(moved cleaning)"
lacp
lease
pings ok "the PXE server=$PXE"
sessions

step "lab down: nothing left"
"${U[@]}" down
left=$(ip netns list | grep -c '^ul-bmstory-' || true)
echo "  namespaces ul-bmstory-*: $left; lab processes: $(pgrep -fc -- "$DIR" || true)"
