package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/platform"
)

// FRR applies frr.conf with frr-reload.py, which computes the difference
// from the running config and applies only that: untouched sessions stay
// up. Pathspace selects a namespaced FRR instance (vtysh -N), as in the
// lab and in tests.
type FRR struct {
	ConfPath  string // default /etc/frr/frr.conf, or /etc/frr/<pathspace>/frr.conf
	Pathspace string
	Reload    string // default /usr/lib/frr/frr-reload.py
	// ReloadTest adds frr-reload.py --test to the pre-check.
	ReloadTest bool
	// Exec prefixes the probe's vtysh, e.g. docker exec bgp on SONiC.
	Exec []string

	// check replaces checker.FRR in tests.
	check func(context.Context, []byte) error
}

var (
	_ Driver = (*FRR)(nil)
	_ Prober = (*FRR)(nil)
)

// Files is frr.conf.
func (f *FRR) Files() []string { return []string{platform.FileFRR} }

func (f *FRR) confPath() string {
	switch {
	case f.ConfPath != "":
		return f.ConfPath
	}
	// A namespaced FRR keeps its config in <pathspace>/.
	return filepath.Join(platform.FRRConfDir, f.Pathspace, platform.FileFRR)
}

func (f *FRR) reloadArgs(mode, file string) []string {
	script := f.Reload
	if script == "" {
		script = "/usr/lib/frr/frr-reload.py"
	}
	args := []string{script, mode, "--stdout"}
	if f.Pathspace != "" {
		args = append(args, "--pathspace", f.Pathspace)
	}
	return append(args, file)
}

// Precheck first refuses any command underlay never renders (admitFRR),
// then runs vtysh's parser on the file (about 20 ms). With ReloadTest it
// also runs frr-reload.py --test against the running daemons, which costs
// about half a second of Python per apply; a reload that fails later is
// rolled back anyway.
func (f *FRR) Precheck(ctx context.Context, cfg store.Files) error {
	conf, ok := cfg[platform.FileFRR]
	if !ok {
		return fmt.Errorf("%w: no frr.conf", ErrRejected)
	}
	if err := admitFRR(conf); err != nil {
		return err
	}
	check := f.check
	if check == nil {
		check = checker.FRR
	}
	if err := check(ctx, conf); err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if !f.ReloadTest {
		return nil
	}
	tmp, err := os.CreateTemp("", "underlay-frr-*.conf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(conf); err != nil {
		tmp.Close()
		return err
	}
	tmp.Close()
	if out, err := run(ctx, f.reloadArgs("--test", tmp.Name())); err != nil {
		return fmt.Errorf("%w: frr-reload.py --test: %w: %s", ErrRejected, err, lastLines(out, 5))
	}
	return nil
}

// Apply writes frr.conf atomically and reloads it.
func (f *FRR) Apply(ctx context.Context, cfg store.Files) error {
	path := f.confPath()
	if err := atomicfile.WriteFile(path, cfg[platform.FileFRR], 0o640); err != nil {
		return err
	}
	if out, err := run(ctx, f.reloadArgs("--reload", path)); err != nil {
		return fmt.Errorf("frr-reload.py --reload: %w: %s", err, lastLines(out, 5))
	}
	return nil
}

// Probe reads BGP session states and BGP routes from vtysh's JSON.
func (f *FRR) Probe(ctx context.Context) (State, error) {
	st := State{Sessions: map[string]string{}, Prefixes: map[string]bool{}, Peers: map[string]Peer{}}
	var sum map[string]struct {
		Peers map[string]summaryPeer `json:"peers"`
	}
	if err := f.vtyshJSON(ctx, "show bgp summary json", &sum); err != nil {
		return st, err
	}
	for _, af := range sum {
		for name, p := range af.Peers {
			addPeer(&st, name, p)
		}
	}
	for _, cmd := range []string{"show ip route bgp json", "show ipv6 route bgp json"} {
		var routes map[string][]struct {
			Selected bool `json:"selected"`
		}
		if err := f.vtyshJSON(ctx, cmd, &routes); err != nil {
			return st, err
		}
		for prefix, rs := range routes {
			for _, r := range rs {
				st.Prefixes[prefix] = st.Prefixes[prefix] || r.Selected
			}
		}
	}
	return st, nil
}

// summaryPeer is one peer of one address family in `show bgp summary
// json` (FRR's bgp_show_summary).
type summaryPeer struct {
	State string `json:"state"`
	Desc  string `json:"desc"`
	// EstablishedEpoch is the Unix time of the last state change (FRR:
	// now minus peerUptime), so it is when the session came up only while
	// it is Established.
	EstablishedEpoch int64 `json:"peerUptimeEstablishedEpoch"`
	PfxRcd           int64 `json:"pfxRcd"`
	PfxSnt           int64 `json:"pfxSnt"`
}

// addPeer merges one address family's view of a peer into st: one
// session, its prefixes summed over its families.
func addPeer(st *State, name string, p summaryPeer) {
	st.Sessions[name] = p.State
	cur := st.Peers[name]
	cur.PrefixesReceived += p.PfxRcd
	cur.PrefixesSent += p.PfxSnt
	if cur.Description == "" {
		cur.Description = p.Desc
	}
	if p.State == "Established" && p.EstablishedEpoch > 0 && cur.EstablishedSince.IsZero() {
		cur.EstablishedSince = time.Unix(p.EstablishedEpoch, 0).UTC()
	}
	st.Peers[name] = cur
}

func (f *FRR) vtyshJSON(ctx context.Context, command string, v any) error {
	args := append(append([]string(nil), f.Exec...), "vtysh")
	if f.Pathspace != "" {
		args = append(args, "-N", f.Pathspace)
	}
	out, err := run(ctx, append(args, "-c", command))
	if err != nil {
		return fmt.Errorf("vtysh -c %q: %w: %s", command, err, lastLines(out, 3))
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("vtysh -c %q: %w", command, err)
	}
	return nil
}

// run executes an argument list (no shell) and returns combined output.
func run(ctx context.Context, args []string) ([]byte, error) {
	cmd := command(ctx, args)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// lastLines keeps the last n lines of a command's output for an error,
// each cut at maxOutputLine bytes: the error reaches the device's status,
// and one line of a tool's output can be a whole quoted file.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i, l := range lines {
		lines[i] = checker.CutLine(l, maxOutputLine)
	}
	return strings.Join(lines, "\n")
}

// maxOutputLine bounds one line of command output in an error.
const maxOutputLine = 300

// Drift reports how the running configuration differs from cfg, as the
// lines frr-reload.py would delete and add ("" when it matches).
func (f *FRR) Drift(ctx context.Context, cfg store.Files) (string, error) {
	tmp, err := os.CreateTemp("", "underlay-frr-*.conf")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(cfg[platform.FileFRR]); err != nil {
		tmp.Close()
		return "", err
	}
	tmp.Close()
	out, err := run(ctx, f.reloadArgs("--test", tmp.Name()))
	if err != nil {
		return "", fmt.Errorf("frr-reload.py --test: %w: %s", err, lastLines(out, 5))
	}
	return reloadChanges(string(out)), nil
}

// reloadChanges keeps the change lines of frr-reload.py --test output,
// marked "-" (to delete) and "+" (to add).
func reloadChanges(out string) string {
	var changes []string
	mark := ""
	for _, line := range strings.Split(out, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "Lines To Delete":
			mark = "-"
		case t == "Lines To Add":
			mark = "+"
		case t == "" || strings.Trim(t, "=") == "" || mark == "":
		default:
			changes = append(changes, mark+" "+t)
		}
	}
	return strings.Join(changes, "\n")
}
