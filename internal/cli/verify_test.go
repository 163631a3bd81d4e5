package cli

import (
	"regexp"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/testutil/golden"
)

// elapsed is the one part of verify's output that varies run to run.
// Its text is a time.Duration rounded to the millisecond.
var elapsed = regexp.MustCompile(`\(([0-9.]+(ms|s|m|h))+\)\n|"elapsed": "[^"]*"`)

// TestVerifyOutputs pins every kind of thing verify prints, on stdout and
// stderr with its exit code: the report (text and JSON, with and without
// failures), a trace to a prefix and to a bare address, a RIB (text and
// JSON), and each way a request is refused.
func TestVerifyOutputs(t *testing.T) {
	const fabric = "../../examples/unnumbered/fabric.yaml"
	var all strings.Builder
	for _, args := range [][]string{
		{"verify", fabric},
		{"verify", "--failures", "links", fabric},
		{"verify", "--failures", "devices", "-o", "json", fabric},
		{"verify", "--trace", "leaf1-host1", fabric, "10.255.0.12/32"},
		{"verify", "--trace", "leaf1", fabric, "10.255.0.1"},
		{"verify", "--trace", "leaf1", fabric, "10.99.0.0/16"},
		{"verify", "--rib", "spine1", fabric},
		{"verify", "--rib", "leaf4-host1", "-o", "json", fabric},
		{"verify", "--failures", "some", fabric},
		{"verify", "-o", "yaml", fabric},
		{"verify", "--trace", "leaf1", fabric, "nope"},
		{"verify", "--trace", "leaf1", fabric},
		{"verify", fabric, "extra"},
		{"verify", "--trace", "nosuch", fabric, "10.255.0.1/32"},
		{"verify", "--rib", "nosuch", fabric},
		{"verify", "--trace", "leaf1", "missing.yaml", "nope"},
	} {
		code, stdout, stderr := run(t, args...)
		all.WriteString("$ underlay " + strings.Join(args, " ") + "\n" + stdout)
		if stderr != "" {
			all.WriteString("stderr: " + stderr)
		}
		all.WriteString("exit " + string(rune('0'+code)) + "\n")
	}
	out := elapsed.ReplaceAllStringFunc(all.String(), func(s string) string {
		if strings.HasPrefix(s, "(") {
			return "(ELAPSED)\n"
		}
		return `"elapsed": "ELAPSED"`
	})
	golden.Assert(t, "TestVerifyOutputs.txt", []byte(out))
}
