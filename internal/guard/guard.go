// Package guard is the registry a guard process keeps of what to clean up
// when the process that made it dies: a test binary killed by go test's
// -timeout runs no cleanup, so the lab and the test routers hand each
// thing they create to a guard over a pipe only they hold, and the guard
// cleans up when that pipe reaches EOF.
//
// The parent writes one line per change: "KIND VALUE" registers VALUE
// under KIND, "done VALUE" forgets VALUE under every kind.
package guard

import (
	"bufio"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// Wait reads registrations from r until EOF or SIGTERM and returns what is
// still registered, by kind, in the order of registration. The guard
// ignores SIGPIPE, SIGINT and SIGHUP: a dead parent's output pipe or the
// terminal's interrupt must not kill it before it has cleaned up.
func Wait(r io.Reader) map[string][]string {
	signal.Ignore(syscall.SIGPIPE, syscall.SIGINT, syscall.SIGHUP)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	defer signal.Stop(term)
	var mu sync.Mutex
	live := map[string][]string{}
	eof := make(chan struct{})
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			kind, value, _ := strings.Cut(sc.Text(), " ")
			mu.Lock()
			if kind == "done" {
				for k, vs := range live {
					live[k] = slices.DeleteFunc(vs, func(v string) bool { return v == value })
				}
			} else {
				live[kind] = append(live[kind], value)
			}
			mu.Unlock()
		}
	}()
	select {
	case <-eof:
	case <-term:
	}
	mu.Lock()
	defer mu.Unlock()
	out := make(map[string][]string, len(live))
	for k, vs := range live {
		out[k] = slices.Clone(vs)
	}
	return out
}
