package model

import (
	"strings"
	"testing"
)

// TestParseASN covers both notations and the ASNs no BGP speaker may use:
// 0 (RFC 7607), AS_TRANS 23456 (RFC 6793), 65535 and 4294967295 (RFC 7300),
// whichever notation spells them.
func TestParseASN(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ASN
		wantErr string
	}{
		{name: "asplain", in: "65001", want: 65001},
		{name: "asplain 4-byte", in: "4200000001", want: 4200000001},
		{name: "asdot", in: "64086.59905", want: 4200000001},
		{name: "asdot+ of a 2-byte ASN", in: "0.65001", want: 65001},
		{name: "largest usable", in: "4294967294", want: 4294967294},
		{name: "zero", in: "0", wantErr: `ASN "0": AS 0 is reserved (RFC 7607)`},
		{name: "zero asdot", in: "0.0", wantErr: `ASN "0.0": AS 0 is reserved (RFC 7607)`},
		{name: "AS_TRANS", in: "23456", wantErr: `ASN "23456": AS 23456 is reserved (AS_TRANS, RFC 6793)`},
		{name: "AS_TRANS asdot", in: "0.23456", wantErr: `AS 23456 is reserved`},
		{name: "last 16-bit", in: "65535", wantErr: `AS 65535 is reserved (the last 16-bit ASN, RFC 7300)`},
		{name: "last 16-bit asdot", in: "0.65535", wantErr: `AS 65535 is reserved`},
		{name: "last 32-bit", in: "4294967295", wantErr: `AS 4294967295 is reserved (the last 32-bit ASN, RFC 7300)`},
		{name: "last 32-bit asdot", in: "65535.65535", wantErr: `AS 4294967295 is reserved`},
		{name: "too big", in: "4294967296", wantErr: `invalid ASN "4294967296"`},
		{name: "asdot too big", in: "65536.0", wantErr: `invalid asdot ASN "65536.0"`},
		{name: "negative", in: "-1", wantErr: `invalid ASN "-1"`},
		{name: "empty", in: "", wantErr: `invalid ASN ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseASN(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseASN(%q) = %d, %v; want error …%s…", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseASN(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
