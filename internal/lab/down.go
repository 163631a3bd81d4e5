package lab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"underlay.dev/underlay/internal/lab/node"
)

// Down removes everything the state file records, in the reverse order of
// creation, and then the lab directory. It works after a crash at any
// point of up, and repeating it is harmless.
func (l *Lab) Down() error {
	if err := RequireRoot(); err != nil {
		return err
	}
	st, err := l.LoadState()
	if errors.Is(err, os.ErrNotExist) {
		l.progress("no lab in %s: nothing to do", l.Dir)
		return nil
	}
	if err != nil {
		return err
	}
	t := time.Now()
	// The supervisor stops its agents, emulators and the API server.
	st.Supervisor.Stop(15 * time.Second)
	// Anything that outlived it (a crash, kill -9) still names the lab
	// directory on its command line.
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		for pid := range labProcesses(l.Dir) {
			syscall.Kill(pid, sig)
		}
		if sig == syscall.SIGTERM {
			waitGone(l.Dir, 5*time.Second)
		}
	}
	// Then the daemons in namespaces, by pid, before their namespaces go.
	stopDaemons(st)
	for _, n := range st.Nodes {
		for _, p := range n.Processes {
			p.Stop(5 * time.Second)
		}
	}
	node.RemoveNetns(st.Namespaces())
	for _, ns := range st.Namespaces() {
		node.RemovePathspace(ns)
	}
	if err := os.RemoveAll(l.Dir); err != nil {
		return fmt.Errorf("removing %s: %w", l.Dir, err)
	}
	if left := l.leftovers(st); len(left) > 0 {
		return fmt.Errorf("lab down left behind: %s", strings.Join(left, ", "))
	}
	l.progress("lab %s down in %s: %d namespaces, their FRR and every lab process removed", st.ID, time.Since(t).Round(100*time.Millisecond), len(st.Namespaces()))
	return nil
}

// leftovers lists what remains of the lab after down: it must be nothing.
func (l *Lab) leftovers(st *State) []string {
	var left []string
	for _, ns := range st.Namespaces() {
		if node.Exists(ns) {
			left = append(left, "namespace "+ns)
		}
		for _, d := range []string{"/etc/frr", "/var/run/frr"} {
			if _, err := os.Stat(filepath.Join(d, ns)); err == nil {
				left = append(left, filepath.Join(d, ns))
			}
		}
	}
	for pid, program := range labProcesses(l.Dir) {
		left = append(left, fmt.Sprintf("%s (pid %d)", program, pid))
	}
	sort.Strings(left)
	if _, err := os.Stat(l.Dir); err == nil {
		left = append(left, l.Dir)
	}
	return left
}

func waitGone(dir string, within time.Duration) {
	deadline := time.Now().Add(within)
	for len(labProcesses(dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
}
