package ovs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Start creates the instance's database (once) and starts ovsdb-server
// and ovs-vswitchd in its namespace. Each detaches only when it is ready
// (ovsdb-server listening, ovs-vswitchd connected to it), so Start returns
// a switch that takes commands. It returns the two pids, read from their
// pid files; the caller records them. On failure, what did start is left
// for Stop, which the caller's cleanup runs.
func (i Instance) Start(ctx context.Context) (map[string]int, error) {
	if err := os.MkdirAll(i.Dir, 0o755); err != nil {
		return nil, err
	}
	db := filepath.Join(i.Dir, "conf.db")
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		if _, err := run(ctx, "ovsdb-tool", "create", db, Schema); err != nil {
			return nil, err
		}
	}
	daemons := [][]string{
		{"ovsdb-server", db, "--remote=punix:" + filepath.Join(i.Dir, "db.sock"), "--unixctl=" + filepath.Join(i.Dir, "ovsdb.ctl")},
		{"ovs-vswitchd", i.DB(), "--unixctl=" + i.Control()},
	}
	pids := map[string]int{}
	for _, d := range daemons {
		prog := d[0]
		args := append([]string{"netns", "exec", i.Netns}, d...)
		args = append(args, "--pidfile="+i.PIDFile(prog), "--log-file="+filepath.Join(i.Dir, strings.TrimPrefix(prog, "ovs-")+".log"),
			"--detach", "--no-chdir", "-vconsole:off")
		if _, err := run(ctx, "ip", args...); err != nil {
			return pids, fmt.Errorf("starting %s in %s: %w", prog, i.Netns, err)
		}
		pid, err := i.pid(prog)
		if err != nil {
			return pids, err
		}
		pids[prog] = pid
	}
	if _, err := i.Vsctl(ctx, "--no-wait", "init"); err != nil {
		return pids, err
	}
	return pids, nil
}

// pid reads a program's pid file and checks that the pid is that program
// running on this instance's files (not a recycled pid).
func (i Instance) pid(program string) (int, error) {
	b, err := os.ReadFile(i.PIDFile(program))
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("pid file %s: %q", i.PIDFile(program), b)
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if strings.TrimSuffix(filepath.Base(exe), " (deleted)") != program || !strings.Contains(string(cmdline), i.Dir) {
		return 0, fmt.Errorf("pid %d of %s is not %s on %s", pid, i.PIDFile(program), program, i.Dir)
	}
	return pid, nil
}

// Stop stops the instance's programs by the pids in their pid files
// (TERM, then KILL after grace), ovs-vswitchd first. It works after a
// crash of whoever started them, and on an instance that never started.
func (i Instance) Stop(grace time.Duration) {
	for _, prog := range []string{"ovs-vswitchd", "ovsdb-server"} {
		pid, err := i.pid(prog)
		if err != nil {
			continue
		}
		syscall.Kill(pid, syscall.SIGTERM)
		deadline := time.Now().Add(grace)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// A zombie (state Z) has exited.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}
