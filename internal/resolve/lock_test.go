package resolve_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/resolve"
)

// baseLock is what `underlay render` writes for base (line numbers matter:
// the header takes lines 1-3).
const baseLock = intent.LockHeader + `apiVersion: underlay.dev/v1alpha1
kind: FabricLock
asns:
  leaf1: 65001
  leaf2: 65002
  spine: 65100
loopbackIPv4:
  leaf1: 10.255.0.1/32
  leaf2: 10.255.0.2/32
  spine1: 10.255.0.3/32
linkIPv4:
  leaf1:swp1--spine1:Ethernet0: 10.0.0.0/31
  leaf2:swp1--spine1:Ethernet4: 10.0.0.2/31
`

// loadFiles writes the intent and its lock (none when lock is "") into a
// directory and loads them as the CLI does, returning every error with
// the directory stripped from its file name.
func loadFiles(t *testing.T, fabric, lock string) (*resolve.File, []string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "fabric.yaml")
	if err := os.WriteFile(p, []byte(fabric), 0o644); err != nil {
		t.Fatal(err)
	}
	if lock != "" {
		if err := os.WriteFile(filepath.Join(dir, "fabric.lock.yaml"), []byte(lock), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := load.File(p)
	if err == nil {
		return f, nil
	}
	var list intent.Errors
	if !errors.As(err, &list) {
		t.Fatalf("load: %v (not intent.Errors)", err)
	}
	var out []string
	for _, e := range list {
		out = append(out, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
	}
	return nil, out
}

func TestBaseLockIsWhatRenderWrites(t *testing.T) {
	f, errs := loadFiles(t, base, "")
	if errs != nil {
		t.Fatal(errs)
	}
	got, err := intent.MarshalLock(f.Lock)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(baseLock, string(got)); diff != "" {
		t.Fatalf("baseLock is stale (-want +got):\n%s", diff)
	}
}

func replace(s string, pairs ...string) string {
	return strings.NewReplacer(pairs...).Replace(s)
}

const reservedHint = "; use another, e.g. a private ASN from 64512-65534 or 4200000000-4294967294"

// TestReservedASNs: AS 0, AS_TRANS and the RFC 7300 ASNs are errors in every
// place an ASN can come from, in every notation, on the line that holds it.
func TestReservedASNs(t *testing.T) {
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "asdot 0.0 on a device", fabric: replace(base, "platform: cumulus}", `platform: cumulus, asn: "0.0"}`),
			want: []string{`fabric.yaml:11: spec.devices[leaf1].asn: Invalid value: "0.0": ASN "0.0": AS 0 is reserved (RFC 7607)` + reservedHint}},
		{name: "asplain 0 on a device", fabric: replace(base, "platform: cumulus}", `platform: cumulus, asn: "0"}`),
			want: []string{`fabric.yaml:11: spec.devices[leaf1].asn: Invalid value: "0": ASN "0": AS 0 is reserved (RFC 7607)`}},
		{name: "AS_TRANS on a device", fabric: replace(base, "platform: nvue}", `platform: nvue, asn: "23456"}`),
			want: []string{`fabric.yaml:12: spec.devices[leaf2].asn: Invalid value: "23456": ASN "23456": AS 23456 is reserved (AS_TRANS, RFC 6793)`}},
		{name: "65535 asdot on a device", fabric: replace(base, "platform: nvue}", `platform: nvue, asn: "0.65535"}`),
			want: []string{`fabric.yaml:12: spec.devices[leaf2].asn: Invalid value: "0.65535": ASN "0.65535": AS 65535 is reserved (the last 16-bit ASN, RFC 7300)`}},
		{name: "4294967295 on a device", fabric: replace(base, "platform: nvue}", `platform: nvue, asn: "65535.65535"}`),
			want: []string{`fabric.yaml:12: spec.devices[leaf2].asn: Invalid value: "65535.65535": ASN "65535.65535": AS 4294967295 is reserved (the last 32-bit ASN, RFC 7300)`}},
		{name: "pool ending at 65535", fabric: replace(base, "leaf: 65001-65099", "leaf: 65001-65535"),
			want: []string{`fabric.yaml:6: spec.pools.asn.leaf: Invalid value: "65001-65535": range "65001-65535" contains AS 65535, reserved (the last 16-bit ASN, RFC 7300); make the range leave it out`}},
		{name: "pool containing AS_TRANS", fabric: replace(base, "leaf: 65001-65099", "leaf: 20000-30000"),
			want: []string{`fabric.yaml:6: spec.pools.asn.leaf: Invalid value: "20000-30000": range "20000-30000" contains AS 23456, reserved (AS_TRANS, RFC 6793); make the range leave it out`}},
		{name: "pool from asdot 0.0", fabric: replace(base, "leaf: 65001-65099", "leaf: 0.0-0.100"),
			want: []string{`fabric.yaml:6: spec.pools.asn.leaf: Invalid value: "0.0-0.100": range "0.0-0.100" contains AS 0, reserved (RFC 7607)`}},
		{name: "pool to 4294967295", fabric: replace(base, "host: 4200000000-4200000099", "host: 4200000000-4294967295"),
			want: []string{`fabric.yaml:6: spec.pools.asn.host: Invalid value: "4200000000-4294967295": range "4200000000-4294967295" contains AS 4294967295, reserved (the last 32-bit ASN, RFC 7300)`}},
		{name: "lock entry 0", fabric: base, lock: replace(baseLock, "leaf1: 65001", "leaf1: 0"),
			want: []string{`fabric.lock.yaml:7: asns.leaf1: Invalid value: 0: the lock file's ASN for leaf1 is not usable: AS 0 is reserved (RFC 7607); delete the entry to let underlay allocate afresh`}},
		{name: "lock entry AS_TRANS", fabric: replace(base, "spine: 65100-65199", "spine: 20000-23455"),
			lock: replace(baseLock, "spine: 65100", "spine: 23456"),
			want: []string{`fabric.lock.yaml:9: asns.spine: Invalid value: 23456: the lock file's ASN for spine is not usable: AS 23456 is reserved (AS_TRANS, RFC 6793)`}},
		{name: "lock entry 4294967295", fabric: base, lock: replace(baseLock, "leaf2: 65002", "leaf2: 4294967295"),
			want: []string{`fabric.lock.yaml:8: asns.leaf2: Invalid value: 4294967295: the lock file's ASN for leaf2 is not usable: AS 4294967295 is reserved`}},
	}
	runLockTable(t, tests)
}

func runLockTable(t *testing.T, tests []struct {
	name         string
	fabric, lock string
	want         []string
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := loadFiles(t, tt.fabric, tt.lock)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(tt.want), strings.Join(errs, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(errs[i], w) {
					t.Errorf("error %d:\n got %s\nwant %s…", i, errs[i], w)
				}
			}
		})
	}
}

// TestLockEntries: a lock entry of the wrong family, outside its pool, not
// a slot of it, or colliding with another entry or an explicit value is an
// error on the lock file's line that says which party to change.
func TestLockEntries(t *testing.T) {
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "IPv6 prefix under linkIPv4", fabric: base,
			lock: replace(baseLock, "Ethernet0: 10.0.0.0/31", "Ethernet0: fd00::/31"),
			want: []string{`fabric.lock.yaml:15: linkIPv4.leaf1:swp1--spine1:Ethernet0: Invalid value: "fd00::/31": ` +
				`the lock file's linkIPv4 entry for leaf1:swp1--spine1:Ethernet0 is not usable: fd00::/31 is IPv6, but the pool 10.0.0.0/24 is IPv4; ` +
				`fix it, or delete the entry to let underlay allocate afresh from spec.pools.linkIPv4`}},
		{name: "IPv6 address under loopbackIPv4", fabric: base,
			lock: replace(baseLock, "leaf1: 10.255.0.1/32", "leaf1: fd00::1/32"),
			want: []string{`fabric.lock.yaml:11: loopbackIPv4.leaf1: Invalid value: "fd00::1/32": the lock file's loopbackIPv4 entry for leaf1 is not usable: fd00::1/32 is IPv6, but the pool 10.255.0.0/24 is IPv4`}},
		{name: "link prefix outside its pool", fabric: base,
			lock: replace(baseLock, "Ethernet4: 10.0.0.2/31", "Ethernet4: 10.1.0.2/31"),
			want: []string{`fabric.lock.yaml:16: linkIPv4.leaf2:swp1--spine1:Ethernet4: Invalid value: "10.1.0.2/31": the lock file's linkIPv4 entry for leaf2:swp1--spine1:Ethernet4 is not usable: ` +
				`10.1.0.2/31 is outside the pool 10.0.0.0/24, which must have changed since it was allocated; ` +
				`fix it, or delete the entry to let underlay allocate afresh from spec.pools.linkIPv4`}},
		{name: "loopback outside a changed pool", fabric: replace(base, "loopbackIPv4: 10.255.0.0/24", "loopbackIPv4: 10.254.0.0/24"), lock: baseLock,
			want: []string{`fabric.lock.yaml:11: loopbackIPv4.leaf1: Invalid value: "10.255.0.1/32": the lock file's loopbackIPv4 entry for leaf1 is not usable: 10.255.0.1/32 is outside the pool 10.254.0.0/24, which must have changed since it was allocated`,
				`fabric.lock.yaml:12: loopbackIPv4.leaf2:`, `fabric.lock.yaml:13: loopbackIPv4.spine1:`}},
		{name: "link prefix of the wrong length", fabric: base,
			lock: replace(baseLock, "Ethernet0: 10.0.0.0/31", "Ethernet0: 10.0.0.0/30"),
			want: []string{`fabric.lock.yaml:15: linkIPv4.leaf1:swp1--spine1:Ethernet0: Invalid value: "10.0.0.0/30": the lock file's linkIPv4 entry for leaf1:swp1--spine1:Ethernet0 is not usable: 10.0.0.0/30 is not a /31`}},
		{name: "link prefix with host bits", fabric: base,
			lock: replace(baseLock, "Ethernet0: 10.0.0.0/31", "Ethernet0: 10.0.0.1/31"),
			want: []string{`fabric.lock.yaml:15: linkIPv4.leaf1:swp1--spine1:Ethernet0: Invalid value: "10.0.0.1/31": the lock file's linkIPv4 entry for leaf1:swp1--spine1:Ethernet0 is not usable: 10.0.0.1/31 has host bits set (10.0.0.0/31)`}},
		{name: "loopback on the pool's network address", fabric: base,
			lock: replace(baseLock, "leaf2: 10.255.0.2/32", "leaf2: 10.255.0.0/32"),
			want: []string{`fabric.lock.yaml:12: loopbackIPv4.leaf2: Invalid value: "10.255.0.0/32": the lock file's loopbackIPv4 entry for leaf2 is not usable: 10.255.0.0/32 is the network address of the pool, which is never handed out`}},
		{name: "loopback that does not parse", fabric: base,
			lock: replace(baseLock, "leaf1: 10.255.0.1/32", "leaf1: 10.255.0.999/32"),
			want: []string{`fabric.lock.yaml:11: loopbackIPv4.leaf1: Invalid value: "10.255.0.999/32": the lock file's loopbackIPv4 entry for leaf1 is not usable: not a prefix`}},
		{name: "ASN outside its pool", fabric: base, lock: replace(baseLock, "leaf2: 65002", "leaf2: 65150"),
			want: []string{`fabric.lock.yaml:8: asns.leaf2: Invalid value: 65150: the lock file's ASN for leaf2 is not usable: ` +
				`65150 is outside the pool 65001-65099, which must have changed since it was allocated; ` +
				`set asn on the device to keep it, or delete the entry to let underlay allocate afresh from spec.pools.asn.leaf`}},
		{name: "two lock entries, one ASN", fabric: base, lock: replace(baseLock, "leaf2: 65002", "leaf2: 65001"),
			want: []string{`fabric.lock.yaml:8: asns.leaf2: Invalid value: "65001": asn of leaf2 in the lock file is also the lock file's asn of leaf1 (asns.leaf1); ` +
				`delete one of the two entries to let underlay allocate that one afresh`}},
		{name: "two lock entries, one loopback", fabric: base, lock: replace(baseLock, "leaf2: 10.255.0.2/32", "leaf2: 10.255.0.1/32"),
			want: []string{`fabric.lock.yaml:12: loopbackIPv4.leaf2: Invalid value: "10.255.0.1/32": loopback of leaf2 in the lock file is also the lock file's loopback of leaf1 (loopbackIPv4.leaf1)`}},
		{name: "two lock entries, one link prefix", fabric: base, lock: replace(baseLock, "Ethernet4: 10.0.0.2/31", "Ethernet4: 10.0.0.0/31"),
			want: []string{`fabric.lock.yaml:16: linkIPv4.leaf2:swp1--spine1:Ethernet4: Invalid value: "10.0.0.0/31": link prefix of leaf2:swp1--spine1:Ethernet4 in the lock file is also the lock file's link prefix of leaf1:swp1--spine1:Ethernet0 (linkIPv4.leaf1:swp1--spine1:Ethernet0)`}},
		{name: "explicit ASN wins over the lock", fabric: replace(base, "platform: nvue}", "platform: nvue, asn: 65001}"), lock: baseLock,
			want: []string{`fabric.lock.yaml:7: asns.leaf1: Invalid value: "65001": asn of leaf1 in the lock file collides with leaf2, which sets it explicitly at spec.devices[leaf2].asn; ` +
				`pick another value for leaf2, or delete leaf1's entry from the lock file to give it a new one`}},
		{name: "explicit link prefix wins over the lock", fabric: replace(base, "spine1:Ethernet4 -- leaf2:swp1", "{endpoints: spine1:Ethernet4 -- leaf2:swp1, ipv4: 10.0.0.0/31}"), lock: baseLock,
			want: []string{`fabric.lock.yaml:15: linkIPv4.leaf1:swp1--spine1:Ethernet0: Invalid value: "10.0.0.0/31": link prefix of leaf1:swp1--spine1:Ethernet0 in the lock file collides with leaf2:swp1--spine1:Ethernet4, which sets it explicitly at spec.links[1].ipv4`}},
		// yaml.v3 reads 0.0 into a uint32 as 0 without complaint.
		{name: "lock entry 0.0", fabric: base, lock: replace(baseLock, "leaf1: 65001", "leaf1: 0.0"),
			want: []string{`fabric.lock.yaml:7: asns.leaf1: "0.0" is not a whole number: the lock file writes ASNs asplain, e.g. 65001`}},
		{name: "lock entry without a value", fabric: base, lock: replace(baseLock, "leaf1: 65001", "leaf1:"),
			want: []string{`fabric.lock.yaml:7: asns.leaf1: "" is not a whole number`}},
		{name: "lock of another API version", fabric: base, lock: replace(baseLock, "underlay.dev/v1alpha1", "underlay.dev/v2"),
			want: []string{`fabric.lock.yaml:4: apiVersion "underlay.dev/v2" is not underlay.dev/v1alpha1; this underlay cannot read it`}},
		{name: "IPv4 address under loopbackIPv6", fabric: replace(base, "linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0.0/24\n    loopbackIPv6: fd00::/64"),
			lock: baseLock + "loopbackIPv6:\n  leaf1: 10.255.0.1/32\n  leaf2: fd01::1/128\n",
			want: []string{`fabric.lock.yaml:18: loopbackIPv6.leaf1: Invalid value: "10.255.0.1/32": the lock file's loopbackIPv6 entry for leaf1 is not usable: 10.255.0.1/32 is IPv4, but the pool fd00::/64 is IPv6`,
				`fabric.lock.yaml:19: loopbackIPv6.leaf2: Invalid value: "fd01::1/128": the lock file's loopbackIPv6 entry for leaf2 is not usable: fd01::1/128 is outside the pool fd00::/64, which must have changed`}},
		{name: "lock type error", fabric: base, lock: replace(baseLock, "leaf1: 65001", "leaf1: 1.1"),
			want: []string{"fabric.lock.yaml:7: asns.leaf1: \"1.1\" is not a whole number: the lock file writes ASNs asplain, e.g. 65001"}},
	}
	runLockTable(t, tests)
}
