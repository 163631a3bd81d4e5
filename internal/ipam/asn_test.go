package ipam

import (
	"net/netip"
	"strings"
	"testing"
)

// TestParseASNRange: a pool that contains a reserved ASN is an error, not
// a pool the allocator quietly skips in: the intent should say what it
// hands out.
func TestParseASNRange(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ASNRange
		wantErr string
	}{
		{name: "asplain", in: "65001-65099", want: ASNRange{65001, 65099}},
		{name: "spaces", in: "65001 - 65099", want: ASNRange{65001, 65099}},
		{name: "single", in: "65001", want: ASNRange{65001, 65001}},
		{name: "asdot", in: "1.0-1.100", want: ASNRange{65536, 65636}},
		{name: "private 16-bit", in: "64512-65534", want: ASNRange{64512, 65534}},
		{name: "private 32-bit", in: "4200000000-4294967294", want: ASNRange{4200000000, 4294967294}},
		{name: "syntax", in: "65001..65099", wantErr: `invalid asdot ASN "65001..65099": want high.low, each 0-65535; a pool is "first-last", e.g. "65001-65099"`},
		{name: "single reserved", in: "23456", wantErr: `range "23456" contains AS 23456, reserved (AS_TRANS, RFC 6793)`},
		{name: "backwards", in: "65003-65001", wantErr: `range "65003-65001" ends before it starts`},
		{name: "starts at 0", in: "0-10", wantErr: `range "0-10" contains AS 0, reserved (RFC 7607); make the range leave it out`},
		{name: "starts at 0 asdot", in: "0.0-0.10", wantErr: `range "0.0-0.10" contains AS 0, reserved (RFC 7607)`},
		{name: "ends at 65535", in: "64512-65535", wantErr: `range "64512-65535" contains AS 65535, reserved (the last 16-bit ASN, RFC 7300)`},
		{name: "ends at 4294967295", in: "4200000000-4294967295", wantErr: `contains AS 4294967295, reserved (the last 32-bit ASN, RFC 7300)`},
		{name: "contains AS_TRANS", in: "20000-30000",
			wantErr: `range "20000-30000" contains AS 23456, reserved (AS_TRANS, RFC 6793); make the range leave it out`},
		{name: "contains 65535", in: "65000-70000", wantErr: `range "65000-70000" contains AS 65535, reserved (the last 16-bit ASN, RFC 7300)`},
		{name: "contains two", in: "1-4294967294",
			wantErr: `contains AS 23456, reserved (AS_TRANS, RFC 6793) and AS 65535, reserved (the last 16-bit ASN, RFC 7300)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseASNRange(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseASNRange(%q) = %v, %v; want error …%s…", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseASNRange(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestPrefixPoolCheck: only a slot of the pool passes, and the reason
// names what is wrong with the rest.
func TestPrefixPoolCheck(t *testing.T) {
	link := PrefixPool{Prefix: netip.MustParsePrefix("10.0.0.0/24"), Bits: 31}
	lo6 := PrefixPool{Prefix: netip.MustParsePrefix("fd00::/64"), Bits: 128, Skip: 1}
	tests := []struct {
		name    string
		pool    PrefixPool
		in      string
		wantErr string
	}{
		{"slot", link, "10.0.0.254/31", ""},
		{"v6 slot", lo6, "fd00::ffff/128", ""},
		{"other family", link, "fd00::/31", "fd00::/31 is IPv6, but the pool 10.0.0.0/24 is IPv4"},
		{"other family v6", lo6, "10.0.0.1/32", "10.0.0.1/32 is IPv4, but the pool fd00::/64 is IPv6"},
		{"length", link, "10.0.0.0/30", "10.0.0.0/30 is not a /31"},
		{"host bits", link, "10.0.0.3/31", "10.0.0.3/31 has host bits set (10.0.0.2/31)"},
		{"outside", link, "10.0.1.0/31", "10.0.1.0/31 is outside the pool 10.0.0.0/24"},
		{"skipped network address", lo6, "fd00::/128", "fd00::/128 is the network address of the pool, which is never handed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.pool.Check(netip.MustParsePrefix(tt.in))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check(%s) = %v, want nil", tt.in, err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Check(%s) = %v, want %s", tt.in, err, tt.wantErr)
			}
		})
	}
}
