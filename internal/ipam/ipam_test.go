package ipam

import (
	"net/netip"
	"testing"
)

func TestPrefixPoolSlots(t *testing.T) {
	p := PrefixPool{Prefix: netip.MustParsePrefix("10.0.0.0/29"), Bits: 31}
	if p.Size() != 4 {
		t.Fatalf("size %d, want 4", p.Size())
	}
	if got := p.Slot(3); got != netip.MustParsePrefix("10.0.0.6/31") {
		t.Errorf("slot 3 = %s", got)
	}
	if i, ok := p.Index(netip.MustParsePrefix("10.0.0.4/31")); !ok || i != 2 {
		t.Errorf("index of 10.0.0.4/31 = %d, %v", i, ok)
	}
	for _, bad := range []string{"10.0.0.5/31", "10.0.0.8/31", "10.0.0.4/30"} {
		if _, ok := p.Index(netip.MustParsePrefix(bad)); ok {
			t.Errorf("%s is not a slot", bad)
		}
	}
	lo := PrefixPool{Prefix: netip.MustParsePrefix("fd00::/64"), Bits: 128, Skip: 1}
	if got := lo.Slot(0); got != netip.MustParsePrefix("fd00::1/128") {
		t.Errorf("v6 slot 0 = %s", got)
	}
}

func TestAllocatorTakesLowestFreeAndCountsShortfall(t *testing.T) {
	r, err := ParseASNRange("65001-65003")
	if err != nil {
		t.Fatal(err)
	}
	a := NewAllocator(r)
	if prev, ok := a.Reserve(1, "locked"); !ok || prev != "" {
		t.Fatal("reserve failed")
	}
	if prev, ok := a.Reserve(1, "other"); ok || prev != "locked" {
		t.Errorf("double reserve: %q %v", prev, ok)
	}
	for _, want := range []uint64{0, 2} {
		if got, ok := a.Next("x"); !ok || got != want {
			t.Errorf("next = %d %v, want %d", got, ok, want)
		}
	}
	if _, ok := a.Next("y"); ok {
		t.Error("allocated from a full pool")
	}
	if a.Shortfall("ASNs") == "" {
		t.Error("no shortfall reported")
	}
	for _, bad := range []string{"65003-65001", "x-1", "0"} {
		if _, err := ParseASNRange(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestPrefixPoolBeyond64Bits: the /64s of an IPv6 /48 (a server network's
// pool) start in the address's high half; each slot is its own block and
// Index gives the slot back.
func TestPrefixPoolBeyond64Bits(t *testing.T) {
	tests := []struct {
		pool string
		bits int
		slot uint64
		want string
	}{
		{"fd00:30::/48", 64, 0, "fd00:30::/64"},
		{"fd00:30::/48", 64, 1, "fd00:30:0:1::/64"},
		{"fd00:30::/48", 64, 65535, "fd00:30:0:ffff::/64"},
		{"fd00::/32", 56, 3, "fd00:0:0:300::/56"},
		{"fd00::/8", 66, 5, "fd00:0:0:1:4000::/66"}, // 5<<62 carries into the high half,
		{"10.30.0.0/16", 24, 2, "10.30.2.0/24"},
		{"fd00::/64", 127, 3, "fd00::6/127"},
	}
	for _, tt := range tests {
		p := PrefixPool{Prefix: netip.MustParsePrefix(tt.pool), Bits: tt.bits}
		got := p.Slot(tt.slot)
		if got.String() != tt.want {
			t.Errorf("%s /%d slot %d = %s, want %s", tt.pool, tt.bits, tt.slot, got, tt.want)
		}
		if i, ok := p.Index(got); !ok || i != tt.slot {
			t.Errorf("%s /%d: Index(%s) = %d, %v, want %d", tt.pool, tt.bits, got, i, ok, tt.slot)
		}
	}
}
