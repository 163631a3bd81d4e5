package checker

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// require fails or skips a test whose checker program is missing: CI sets
// UNDERLAY_REQUIRE_CHECKERS=1 so a missing checker is a failure there.
// (golden.Checked does the same for other packages; it imports this one.)
func require(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("checker missing (UNDERLAY_REQUIRE_CHECKERS=1): %v", err)
		}
		t.Skip(err)
	}
}

func TestFRR(t *testing.T) {
	good := "hostname r1\nrouter bgp 65001\n bgp router-id 192.0.2.1\n neighbor 10.0.0.1 remote-as 65002\nexit\n"
	err := FRR(context.Background(), []byte(good))
	require(t, err)
	if err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"ASN out of range (vtysh exits 0 here)": "router bgp 4294967296\n neighbor 10.0.0.1 remote-as 1\nexit\n",
		"unknown command":                       "hostname r1\nrouter bgp 65001\n neighbor 10.0.0.1 remote-ass 65002\nexit\n",
	} {
		if err := FRR(context.Background(), []byte(bad)); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: want a line error, got %v", name, err)
		}
	}
}

func TestIfupdown2IsStrict(t *testing.T) {
	good := "auto lo\niface lo inet loopback\n    address 192.0.2.1/32\n\nauto swp1\niface swp1\n    mtu 9216\n    address 10.0.0.1/31\n"
	err := Ifupdown2(context.Background(), []byte(good))
	require(t, err)
	if err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown keyword":  "auto swp1\niface swp1\n    bogus-keyword 1\n",
		"mtu out of range": "auto swp1\niface swp1\n    mtu 10000\n",
		"bad address":      "auto swp1\niface swp1\n    address 10.0.0.300/31\n",
	} {
		if err := Ifupdown2(context.Background(), []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
