package frrlab

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	registry "underlay.dev/underlay/internal/guard"
	"underlay.dev/underlay/internal/lab/node"
)

// guardEnv makes a re-executed test binary the guard of its parent's
// routers instead of a test run.
const guardEnv = "UNDERLAY_FRRLAB_GUARD"

// A test that panics, or that go test's -timeout stops, exits without
// running t.Cleanup, and would leave its namespaces and FRR running. So
// the first router of a test binary starts a guard: the same binary,
// re-executed with guardEnv, in its own session, reading a pipe whose
// write end only the test process holds. When the test process exits,
// however it exits, the kernel closes the pipe and the guard removes
// every namespace and pathspace still registered. It runs from init
// because that is the one hook a package has in every test binary that
// imports it; without guardEnv it does nothing.
func init() {
	if os.Getenv(guardEnv) == "1" {
		os.Exit(runGuard(os.Stdin))
	}
}

var (
	guardOnce sync.Once
	guardMu   sync.Mutex
	guardW    *os.File
	guardErr  error
)

// guard registers ("add") or unregisters ("done") a namespace with the
// process's guard, starting it first.
func guard(verb, ns string) error {
	guardOnce.Do(startGuard)
	if guardErr != nil {
		return guardErr
	}
	guardMu.Lock()
	defer guardMu.Unlock()
	_, err := fmt.Fprintf(guardW, "%s %s\n", verb, ns)
	return err
}

func startGuard() {
	self, err := os.Executable()
	if err != nil {
		guardErr = fmt.Errorf("frrlab guard: %w", err)
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		guardErr = fmt.Errorf("frrlab guard: %w", err)
		return
	}
	defer r.Close()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), guardEnv+"=1")
	cmd.Stdin, cmd.Stderr = r, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		guardErr = fmt.Errorf("frrlab guard %s: %w", self, err)
		return
	}
	guardW = w
	// Never waited for: it ends after this process does.
	go cmd.Wait()
}

// runGuard reads registrations until EOF (or SIGTERM) and then removes
// every namespace (its processes first) and pathspace still registered.
func runGuard(r io.Reader) int {
	live := registry.Wait(r)["add"]
	if len(live) == 0 {
		return 0
	}
	fmt.Fprintf(os.Stderr, "frrlab guard: the test process is gone: removing %s\n", strings.Join(live, ", "))
	node.RemoveNetns(live)
	for _, ns := range live {
		node.RemovePathspace(ns)
	}
	return 0
}
