package checker

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// requireInstalled skips a test whose checker program is missing, or fails
// it when UNDERLAY_REQUIRE_CHECKERS=1 (CI). (golden.Checked applies the
// same policy in other packages; it imports this one, so it cannot be used
// here.)
func requireInstalled(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("checker missing (UNDERLAY_REQUIRE_CHECKERS=1): %v", err)
		}
		t.Skip(err)
	}
}

func TestFRR(t *testing.T) {
	requireInstalled(t, FRR(context.Background(), []byte("!\n")))
	tests := []struct {
		name    string
		conf    string
		wantErr string // substring of the error; "" means valid
	}{
		{name: "valid", conf: "hostname r1\nrouter bgp 4294967295\n bgp router-id 192.0.2.1\n" +
			" neighbor 10.0.0.1 remote-as 65002\n neighbor swp1 interface remote-as 65003\nexit\n"},
		{name: "ASN out of range", conf: "router bgp 4294967296\n neighbor 10.0.0.1 remote-as 1\nexit\n",
			wantErr: "line 1: % Unknown command[4]: router bgp 4294967296"},
		// The failed block leaves vtysh at the top level; the later lines
		// fail too, and the final `exit` makes vtysh 8.4 exit 0.
		{name: "ASN out of range, exit 0", conf: "router bgp 4294967296\n bgp router-id 192.0.2.1\nexit\n!\nline vty\nexit\n",
			wantErr: "line 2: % Unknown command[4]:  bgp router-id 192.0.2.1"},
		{name: "misspelt keyword", conf: "router bgp 65001\n neighbor 10.0.0.1 remote-ass 65002\nexit\n",
			wantErr: "line 2: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := FRR(context.Background(), []byte(tt.conf))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("valid config rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("invalid config accepted, want an error with %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not quote %q", err, tt.wantErr)
			}
		})
	}
}

func TestFRRContextCancelled(t *testing.T) {
	requireInstalled(t, FRR(context.Background(), []byte("!\n")))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := FRR(ctx, []byte("hostname r1\n")); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// unavailable skips, or fails under UNDERLAY_REQUIRE_CHECKERS=1 (as
// golden.Unavailable, which this package's tests cannot import).
func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
		t.Fatal(why + " (UNDERLAY_REQUIRE_CHECKERS=1)")
	}
	t.Skip(why)
}

// TestFRRErrorBounded: a file of thousands of bad lines gives an error of
// at most a few KiB.
func TestFRRErrorBounded(t *testing.T) {
	requireInstalled(t, FRR(context.Background(), []byte("!\n")))
	conf := strings.Repeat("bogus command here\n", 5000)
	err := FRR(context.Background(), []byte(conf))
	if err == nil {
		t.Fatal("junk accepted")
	}
	if len(err.Error()) > 4200 || !strings.Contains(err.Error(), "more lines") {
		t.Fatalf("error of %d bytes, want at most 4 KiB ending in \"… N more lines\": %.300s", len(err.Error()), err)
	}
}
