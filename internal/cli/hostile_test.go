package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostile are values a careless or hostile intent puts where a scalar
// belongs: reserved and out-of-range numbers, the wrong type, YAML tags,
// aliases and flow collections, path traversal, huge strings, special
// addresses.
var hostile = []string{"", "0", "-1", "0.0", "65535.65535", "4294967296", "99999999999999999999", "1e309", "1.5",
	strings.Repeat("a", 300), "::", "0.0.0.0/0", "10.0.0.0/33", "[]", "{}", "null", "~", "true",
	`"\x00"`, `"../../etc"`, `"a b"`, "!!binary AAAA", "&x [*x]", "[a, b, c]", "{a: 1}", "fe80::1/64",
	"224.0.0.1/32", "255.255.255.255/32", "127.0.0.1/32", "10.255.0.0/24", `"swp1 -- x:y"`, "Ethernet-1",
	"swp0", "eth99999999999"}

// scalar finds each scalar value of a YAML line (after `key: `, `- `, `[`
// or `, `).
var scalar = regexp.MustCompile(`(: |- |\[|, )([^,\[\]{}:\s][^,\]}]*)`)

// TestHostileValuesInEveryField puts every hostile value in place of every
// scalar of the seed lab's intent and of its lock file, one at a time
// (about 1,700 files). Each must come out of validate as a located error
// (file:line) or as valid; a valid one must render, and verify must pass
// or fail, never crash or call it a usage error.
func TestHostileValuesInEveryField(t *testing.T) {
	if testing.Short() {
		t.Skip("1,700 intents")
	}
	intent, err := os.ReadFile("../../examples/seed-lab/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile("../../examples/seed-lab/fabric.lock.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 0
	for _, target := range []string{"fabric.yaml", "fabric.lock.yaml"} {
		orig := map[string][]byte{"fabric.yaml": intent, "fabric.lock.yaml": lock}
		for _, mutant := range mutants(string(orig[target])) {
			files := map[string][]byte{"fabric.yaml": intent, "fabric.lock.yaml": lock, target: []byte(mutant.text)}
			for name, b := range files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			n++
			if problem := survives(dir); problem != "" {
				t.Errorf("%s line %d as %q: %s", target, mutant.line, mutant.value, problem)
			}
		}
	}
	if n < 1500 {
		t.Fatalf("only %d mutants: the value pattern lost the file's scalars", n)
	}
	t.Logf("%d hostile intents and locks: every one a located error or valid and rendered", n)
}

type mutant struct {
	text, value string
	line        int
}

func mutants(src string) []mutant {
	var out []mutant
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		for _, loc := range scalar.FindAllStringSubmatchIndex(line, -1) {
			for _, h := range hostile {
				changed := append([]string{}, lines...)
				changed[i] = line[:loc[4]] + h + line[loc[5]:]
				out = append(out, mutant{text: strings.Join(changed, "\n"), value: h, line: i + 1})
			}
		}
	}
	return out
}

// survives runs validate, render and verify on dir's intent and says what
// went wrong, or "".
func survives(dir string) string {
	path := filepath.Join(dir, "fabric.yaml")
	var out, errb bytes.Buffer
	switch code := Main([]string{"validate", path}, &out, &errb); {
	case code == ExitFailed && !regexp.MustCompile(`fabric(\.lock)?\.yaml:[0-9]+: `).Match(errb.Bytes()):
		return "validate's error has no file:line: " + errb.String()
	case code == ExitFailed:
		return ""
	case code != 0:
		return "validate exit " + errb.String()
	}
	errb.Reset()
	if code := Main([]string{"render", path, "-o", filepath.Join(dir, "out")}, &out, &errb); code != 0 {
		return "validate passed, render failed: " + errb.String()
	}
	errb.Reset()
	if code := Main([]string{"verify", path}, &out, &errb); code != 0 && code != ExitFailed {
		return "verify: " + errb.String()
	}
	return ""
}
