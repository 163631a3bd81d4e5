package cli

import (
	"strings"
	"testing"
)

// TestServeListen: a listen address that is not loopback is refused
// unless given with --listen, where it is served with a warning.
func TestServeListen(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:0": true, "localhost:80": true,
		":8080": false, "0.0.0.0:8080": false, "192.0.2.1:8080": false} {
		got, err := isLoopback(addr)
		if err != nil || got != want {
			t.Errorf("isLoopback(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
	if _, err := isLoopback("8080"); err == nil {
		t.Error(`isLoopback("8080"): no error`)
	}
	code, _, stderr := run(t, "serve", "../../examples/seed-lab", "--listen", "8080")
	if code != ExitUsage || !strings.Contains(stderr, "want host:port") {
		t.Errorf("--listen 8080: exit %d, %s", code, stderr)
	}
}
