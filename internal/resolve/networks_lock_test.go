package resolve_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/intent"
)

// netLock is what `underlay render` writes for netBase (the header takes
// lines 1-3).
const netLock = intent.LockHeader + `apiVersion: underlay.dev/v1alpha1
kind: FabricLock
asns:
  host1: 4200000000
  leaf1: 65001
  leaf2: 65002
  leaf3: 65003
  spine: 65100
loopbackIPv4:
  host1: 10.255.0.1/32
  leaf1: 10.255.0.2/32
  leaf2: 10.255.0.3/32
  leaf3: 10.255.0.4/32
  spine1: 10.255.0.5/32
linkIPv4:
  host1:eth1--leaf1:swp2: 10.0.0.0/31
  leaf1:swp1--spine1:Ethernet0: 10.0.0.2/31
  leaf2:swp1--spine1:Ethernet4: 10.0.0.4/31
  leaf3:Ethernet0--spine1:Ethernet8: 10.0.0.6/31
vlans:
  cleaning: 100
  provisioning: 101
  tenant-a: 102
  web: 300
networkSubnets:
  cleaning/leaf1: 10.11.0.0/24
  cleaning/leaf2: 10.11.1.0/24
  cleaning/leaf3: 10.11.2.0/24
  provisioning/leaf1: 10.10.0.0/24
  provisioning/leaf2: 10.10.1.0/24
  provisioning/leaf3: 10.10.2.0/24
  tenant-a/leaf1: 10.100.0.0/24
  tenant-a/leaf2: 10.100.1.0/24
  tenant-a/leaf3: 10.100.2.0/24
  web/leaf1: 10.30.0.0/24
  web/leaf2: 10.30.1.0/24
  web/leaf3: 10.30.2.0/24
vnis:
  tenant-a: 10000
vrfVLANs:
  tenant-a: 4000
`

// TestNetworkLockEntries: a lock entry for a network's VLAN or subnet, or
// a VRF's VNI or VLAN, that is out of its pool, reserved, malformed or
// colliding is an error on the lock file's line that says which entry to
// fix or delete.
func TestNetworkLockEntries(t *testing.T) {
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "VLAN outside the pool", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: 1000`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: 1000: the lock file's VLAN for cleaning is not usable: 1000 is outside the pool 100-999, which must have changed since it was allocated; delete the entry to let underlay allocate afresh`}},
		{name: "VLAN Cumulus reserves, in a pool that holds it", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 100-4094"), lock: replace(netLock, `cleaning: 100`, `cleaning: 3800`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: 3800: the lock file's VLAN for cleaning is not usable: 3800 is reserved: Cumulus Linux reserves it for internal use on cumulus; delete the entry to let underlay allocate afresh`}},
		{name: "VLAN of the L3VNI range, in a pool that holds it", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 100-4094"), lock: replace(netLock, `cleaning: 100`, `cleaning: 4000`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: 4000: the lock file's VLAN for cleaning is not usable: 4000 is reserved: underlay maps VRF L3VNIs to VLANs 4000-4064; delete the entry to let underlay allocate afresh`}},
		{name: "two networks on one locked VLAN", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: 101`),
			want: []string{
				`fabric.lock.yaml:25: vlans.provisioning: Invalid value: "101": VLAN of provisioning in the lock file is also the lock file's VLAN of cleaning (vlans.cleaning); delete one of the two entries to let underlay allocate that one afresh`}},
		{name: "locked VLAN of an explicit one", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: 300`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: "300": VLAN of cleaning in the lock file collides with network web, which sets it explicitly at spec.networks[web].vlan; pick another value for network web, or delete cleaning's entry from the lock file to give it a new one`}},
		{name: "locked VLAN 0", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: 0`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: 0: the lock file's VLAN for cleaning is not usable: 0 is outside the pool 100-999, which must have changed since it was allocated; delete the entry to let underlay allocate afresh`}},
		{name: "negative locked VLAN", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: -1`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: "-1": must be a whole number`}},
		{name: "locked VLAN beyond 32 bits", fabric: netBase, lock: replace(netLock, `cleaning: 100`, `cleaning: 99999999999`),
			want: []string{
				`fabric.lock.yaml:24: vlans.cleaning: Invalid value: "99999999999": must be a whole number`}},
		{name: "VNI outside the pool", fabric: netBase, lock: replace(netLock, `tenant-a: 10000`, `tenant-a: 5`),
			want: []string{
				`fabric.lock.yaml:42: vnis.tenant-a: Invalid value: 5: the lock file's VNI for tenant-a is not usable: 5 is outside the pool 10000-10999, which must have changed since it was allocated; delete the entry to let underlay allocate afresh`}},
		{name: "two VRFs on one locked VNI", fabric: replace(netBase, `{name: web, vlan: 300,`, `{name: web, vlan: 300, vrf: blue,`), lock: replace(netLock, `tenant-a: 10000`, "tenant-a: 10000\n  blue: 10000"),
			want: []string{
				`fabric.lock.yaml:42: vnis.tenant-a: Invalid value: "10000": VNI of tenant-a in the lock file is also the lock file's VNI of blue (vnis.blue); delete one of the two entries to let underlay allocate that one afresh`}},
		{name: "VRF VLAN outside 4000-4064", fabric: netBase, lock: replace(netLock, `tenant-a: 4000`, `tenant-a: 300`),
			want: []string{
				`fabric.lock.yaml:44: vrfVLANs.tenant-a: Invalid value: 300: the lock file's VRF VLAN for tenant-a is not usable: 300 is outside 4000-4064, the VLANs underlay maps L3VNIs to; delete the entry to let underlay allocate afresh`}},
		{name: "two VRFs on one locked VRF VLAN", fabric: replace(netBase, `{name: web, vlan: 300,`, `{name: web, vlan: 300, vrf: blue,`), lock: replace(netLock, `tenant-a: 4000`, "tenant-a: 4000\n  blue: 4000"),
			want: []string{
				`fabric.lock.yaml:44: vrfVLANs.tenant-a: Invalid value: "4000": VRF VLAN of tenant-a in the lock file is also the lock file's VRF VLAN of blue (vrfVLANs.blue); delete one of the two entries to let underlay allocate that one afresh`}},
		{name: "network subnet outside the pool", fabric: netBase, lock: replace(netLock, `cleaning/leaf1: 10.11.0.0/24`, `cleaning/leaf1: 10.12.0.0/24`),
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "10.12.0.0/24": the lock file's networkSubnets entry for cleaning/leaf1 is not usable: 10.12.0.0/24 is outside the pool 10.11.0.0/16, which must have changed since it was allocated; fix it, or delete the entry to let underlay allocate afresh from spec.networks[cleaning].pool`}},
		{name: "network subnet of the wrong length", fabric: netBase, lock: replace(netLock, `cleaning/leaf1: 10.11.0.0/24`, `cleaning/leaf1: 10.11.0.0/25`),
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "10.11.0.0/25": the lock file's networkSubnets entry for cleaning/leaf1 is not usable: 10.11.0.0/25 is not a /24; fix it, or delete the entry to let underlay allocate afresh from spec.networks[cleaning].pool`}},
		{name: "network subnet with host bits", fabric: netBase, lock: replace(netLock, `cleaning/leaf1: 10.11.0.0/24`, `cleaning/leaf1: 10.11.0.1/24`),
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "10.11.0.1/24": the lock file's networkSubnets entry for cleaning/leaf1 is not usable: 10.11.0.1/24 has host bits set (10.11.0.0/24); fix it, or delete the entry to let underlay allocate afresh from spec.networks[cleaning].pool`}},
		{name: "network subnet that does not parse", fabric: netBase, lock: replace(netLock, `cleaning/leaf1: 10.11.0.0/24`, `cleaning/leaf1: banana`),
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "banana": the lock file's networkSubnets entry for cleaning/leaf1 is not usable: not a prefix; fix it, or delete the entry to let underlay allocate afresh from spec.networks[cleaning].pool`}},
		{name: "network subnet of the other family", fabric: netBase, lock: replace(netLock, `cleaning/leaf1: 10.11.0.0/24`, `cleaning/leaf1: "fd00::/24"`),
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "fd00::/24": the lock file's networkSubnets entry for cleaning/leaf1 is not usable: fd00::/24 is IPv6, but the pool 10.11.0.0/16 is IPv4; fix it, or delete the entry to let underlay allocate afresh from spec.networks[cleaning].pool`}},
		{name: "two leaves on one locked subnet", fabric: netBase, lock: replace(netLock, `cleaning/leaf2: 10.11.1.0/24`, `cleaning/leaf2: 10.11.0.0/24`),
			want: []string{
				`fabric.lock.yaml:30: networkSubnets.cleaning/leaf2: Invalid value: "10.11.0.0/24": network subnet of cleaning/leaf2 in the lock file is also the lock file's network subnet of cleaning/leaf1 (networkSubnets.cleaning/leaf1); delete one of the two entries to let underlay allocate that one afresh`}},
		{name: "locked subnet a pinned one took", fabric: replace(netBase, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16,`, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, subnets: [{leaf: leaf2, prefix: 10.11.0.0/24}],`), lock: netLock,
			want: []string{
				`fabric.lock.yaml:29: networkSubnets.cleaning/leaf1: Invalid value: "10.11.0.0/24": network subnet of cleaning/leaf1 in the lock file collides with cleaning/leaf2, which sets it explicitly at spec.networks[cleaning].subnets[0].prefix; pick another value for cleaning/leaf2, or delete cleaning/leaf1's entry from the lock file to give it a new one`}},
	}
	runLockTable(t, tests)
}

func TestNetLockIsWhatRenderWrites(t *testing.T) {
	f, errs := loadFiles(t, netBase, "")
	if errs != nil {
		t.Fatal(errs)
	}
	got, err := intent.MarshalLock(f.Lock)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(netLock, string(got)); diff != "" {
		t.Fatalf("netLock is stale (-want +got):\n%s", diff)
	}
}
