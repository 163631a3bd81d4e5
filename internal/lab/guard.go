package lab

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"

	"underlay.dev/underlay/internal/guard"
)

// Guard takes labs down when the process that made them dies, however it
// dies. A test that panics, or that go test's -timeout stops, exits
// without running its cleanups and would leave namespaces, FRR, the API
// server, etcd and agents running. The guard is a child process
// (`underlay lab guard`) in its own session that reads a pipe whose
// write end only this process holds: the kernel closes it when this
// process exits, and at that EOF the guard runs Down for every lab it was
// told of and removes every path it was told of.
type Guard struct {
	mu  sync.Mutex
	w   *os.File
	cmd *exec.Cmd
}

// StartGuard starts `underlay lab guard` from the underlay binary at
// path; its messages go to stderr.
func StartGuard(underlay string, stderr io.Writer) (*Guard, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command(underlay, "lab", "guard")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, stderr, stderr
	// Its own session: a Ctrl-C to the terminal's process group stops the
	// tests, not the guard that cleans up after them.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the lab guard %s: %w", underlay, err)
	}
	return &Guard{w: w, cmd: cmd}, nil
}

func (g *Guard) send(verb, path string) error {
	if strings.ContainsAny(path, "\n") {
		return fmt.Errorf("lab guard: path %q has a newline", path)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return fmt.Errorf("lab guard: already closed")
	}
	_, err := fmt.Fprintf(g.w, "%s %s\n", verb, path)
	return err
}

// Lab asks the guard to take down the lab in dir (and remove dir).
func (g *Guard) Lab(dir string) error { return g.send("lab", dir) }

// Done tells the guard that the lab in dir is down already.
func (g *Guard) Done(dir string) error { return g.send("done", dir) }

// Remove asks the guard to remove path (recursively) at the end.
func (g *Guard) Remove(path string) error { return g.send("remove", path) }

// Close ends the guard as this process's exit would, and waits until it
// has cleaned up.
func (g *Guard) Close() error {
	g.mu.Lock()
	w := g.w
	g.w = nil
	g.mu.Unlock()
	if w == nil {
		return nil
	}
	w.Close()
	return g.cmd.Wait()
}

// RunGuard is the guard process: it reads requests from r until EOF (or
// until SIGTERM), then takes every lab still registered down, in the
// reverse order of registration, and removes every path registered.
func RunGuard(r io.Reader, out io.Writer) error {
	live := guard.Wait(r)
	labs, remove := live["lab"], live["remove"]
	var errs []string
	for _, dir := range slices.Backward(labs) {
		fmt.Fprintf(out, "lab guard: the process that made the lab in %s is gone: taking it down\n", dir)
		l := &Lab{Dir: dir, Out: out}
		if err := l.Down(); err != nil {
			errs = append(errs, err.Error())
		}
		os.Remove(dir) // the caller's empty directory, when up never wrote to it
	}
	for _, p := range remove {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("lab guard: %s", strings.Join(errs, "; "))
	}
	return nil
}
