package frr

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// frrReload is Debian's frr-reload.py, which the agent applies with.
const frrReload = "/usr/lib/frr/frr-reload.py"

// TestRenderAppliedByFRR loads what the renderer says beyond fabric
// sessions into a running bgpd (vtysh -C checks grammar only; bgpd also
// validates): the file of frrtest.Peers applies with frr-reload.py, as
// the agent applies it, and a second frr-reload.py --test finds nothing
// to change but the two lines the lab's datacenter profile has as
// defaults; and FRR accepts exactly the prefix-list lengths lengths
// accepts, showing each as written.
func TestRenderAppliedByFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real FRR router")
	}
	f, leaf1 := frrtest.Peers()
	lab := frrlab.New(t)
	lab.AddRouter(leaf1.Name)
	ps := lab.Pathspace(leaf1.Name)
	t.Run("peers", func(t *testing.T) {
		conf, err := Render(f, leaf1, Options{OwnAddresses: true})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "frr.conf")
		if err := os.WriteFile(file, conf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := reload(t, "--reload", ps, file); err != nil || strings.Contains(out, "Error") {
			t.Fatalf("frr-reload.py --reload: %v\n%s", err, out)
		}
		out, err := reload(t, "--test", ps, file)
		if err != nil {
			t.Fatalf("frr-reload.py --test: %v\n%s", err, out)
		}
		running, err := lab.Vtysh(leaf1.Name, "show running-config")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"router bgp 4200000001 vrf blue", " neighbor k8s-rack1 peer-group",
			" bgp listen range 10.1.0.0/24 peer-group k8s-rack1", " bgp listen limit 200", "  neighbor k8s-rack1 maximum-prefix 50",
			"ip prefix-list UNDERLAY-IMPORT-k8s-rack1 seq 10 permit 10.244.0.0/16 ge 26 le 26"} {
			if !slices.Contains(strings.Split(running, "\n"), want) {
				t.Errorf("the running config has no line %q after the reload", want)
			}
		}
		if changes := unexpectedChanges(out); len(changes) > 0 {
			t.Errorf("FRR runs the file otherwise than written; frr-reload.py --test would change:\n%s", strings.Join(changes, "\n"))
		}
	})
	t.Run("prefix lengths", func(t *testing.T) { lengthsAsFRR(t, lab, leaf1.Name) })
}

// reload runs frr-reload.py in mode on file against the router's daemons,
// bounded so that a hung script fails the test naming the stage.
func reload(t *testing.T, mode, pathspace, file string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "python3", frrReload, mode, "--stdout", "--pathspace", pathspace, file).CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("frr-reload.py %s: %w", mode, ctx.Err())
	}
	return string(out), err
}

// profileDefaults are lines the renderer writes although they are the
// datacenter profile's defaults (the file does not depend on the
// profile), so FRR's running config leaves them out.
var profileDefaults = []string{"no bgp ebgp-requires-policy", "timers bgp 3 9"}

// unexpectedChanges are the lines frr-reload.py --test would delete or
// add, but for the contexts they are in and the profile's defaults. The
// hostname comes from the namespace, not from the file.
func unexpectedChanges(out string) []string {
	var bad []string
	section := ""
	for _, line := range strings.Split(out, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "Lines To Delete" || t == "Lines To Add":
			section = t
		case section == "" || t == "" || strings.Trim(t, "=") == "" || strings.HasPrefix(t, "router bgp "):
		case slices.Contains(profileDefaults, t):
		default:
			bad = append(bad, section+": "+t)
		}
	}
	return bad
}

// lengthsAsFRR gives FRR every ge/le combination around a prefix's own
// length and the family's longest, as written in the rule, one per
// prefix list: FRR must keep exactly those lengths accepts, and must show
// the line the renderer prints for each unchanged.
func lengthsAsFRR(t *testing.T, lab *frrlab.Lab, router string) {
	type row struct {
		rule      model.PrefixRule
		raw, ours string // the rule as written; the renderer's line ("" when it refuses)
		ip, name  string
	}
	var rows []row
	for _, p := range []string{"10.0.0.0/24", "fd00::/64"} {
		pf := pfx(p)[0].Prefix
		bits, longest := pf.Bits(), pf.Addr().BitLen()
		values := []int{0, bits - 1, bits, bits + 1, longest, longest + 1}
		for _, ge := range values {
			for _, le := range values {
				r := model.PrefixRule{Prefix: pf, Ge: ge, Le: le}
				if r.Exact() {
					continue
				}
				x := row{rule: r, ip: prefix{pf}.IP(), name: fmt.Sprintf("T%d", len(rows))}
				x.raw = entryLine(x.ip, x.name, prefixEntry{Seq: 10, Prefix: pf, Ge: ge, Le: le})
				if lists, err := prefixLists(&model.Policy{Name: x.name + "-ours", Rules: []model.PrefixRule{r}}); err == nil {
					x.ours = printed(t, lists[0])
				}
				rows = append(rows, x)
			}
		}
	}
	// What lengths accepts goes in one call, its own lines under their own
	// names; what it refuses one call each, as vtysh stops at the first
	// command bgpd refuses.
	accepted := []string{"configure terminal"}
	for _, x := range rows {
		if x.ours == "" {
			_, _ = lab.Vtysh(router, "configure terminal\n"+x.raw)
			continue
		}
		accepted = append(accepted, x.raw)
		if x.ours != x.raw {
			accepted = append(accepted, x.ours)
		}
	}
	_, _ = lab.Vtysh(router, strings.Join(accepted, "\n"))
	running, err := lab.Vtysh(router, "show running-config")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(running, "\n")
	for _, x := range rows {
		frr := slices.Contains(lines, x.raw)
		if frr != (x.ours != "") {
			t.Errorf("%q: FRR accepts it: %v; lengths accepts it: %v", x.raw, frr, x.ours != "")
		}
		if x.ours != "" && !slices.Contains(lines, x.ours) {
			t.Errorf("FRR does not show %q as written", x.ours)
		}
	}
}

// printed is the line frr.conf.tmpl prints for a one-entry list.
func printed(t *testing.T, l prefixList) string {
	t.Helper()
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "prefix-list", l); err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(b.String(), "\n")
}

// entryLine is a rule as written: ge and le as they are, each when set.
func entryLine(ip, name string, e prefixEntry) string {
	s := fmt.Sprintf("%s prefix-list %s seq %d permit %s", ip, name, e.Seq, e.Prefix)
	if e.Ge > 0 {
		s += fmt.Sprintf(" ge %d", e.Ge)
	}
	if e.Le > 0 {
		s += fmt.Sprintf(" le %d", e.Le)
	}
	return s
}
