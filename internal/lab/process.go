package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// startTime reads a process's start time (clock ticks since boot,
// /proc/PID/stat field 22); 0 when the process is gone.
func startTime(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields count from its ')'.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return 0
	}
	n, _ := strconv.ParseUint(fields[19], 10, 64)
	return n
}

// record identifies a process for the state file.
func record(pid int) *Process { return &Process{PID: pid, Start: startTime(pid)} }

// Alive reports whether the recorded process still runs (same pid and
// start time).
func (p *Process) Alive() bool {
	return p != nil && p.PID > 0 && startTime(p.PID) == p.Start && p.Start != 0
}

// Stop sends TERM, waits up to grace, then KILL; only to the recorded
// process.
func (p *Process) Stop(grace time.Duration) {
	if !p.Alive() {
		return
	}
	syscall.Kill(p.PID, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for p.Alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if p.Alive() {
		syscall.Kill(p.PID, syscall.SIGKILL)
	}
}

// labPrograms are the programs a lab starts, outside its namespaces and
// in them, that name the lab directory on their command line.
var labPrograms = map[string]bool{"kube-apiserver": true, "etcd": true, "underlay-agent": true, "underlay": true,
	// In namespaces, with their files in the lab directory.
	"ovsdb-server": true, "ovs-vswitchd": true, "dnsmasq": true, "dhcrelay": true, "dhclient": true,
	// A cluster node's speaker (its bird.conf is in the lab directory).
	"bird": true}

// labProcesses maps the pid of each of the lab's own programs whose
// command line names dir to the program: the API server, etcd, the agents
// and the supervisor keep their data there, so this finds them even when
// the supervisor that started them is gone, and never an editor or shell
// that merely has a lab file open.
func labProcesses(dir string) map[int]string {
	entries, _ := os.ReadDir("/proc")
	found := map[int]string{}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		// A binary replaced while running reads "path (deleted)".
		program := strings.TrimSuffix(filepath.Base(exe), " (deleted)")
		if err != nil || !labPrograms[program] {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(b), "\x00") {
			if arg == dir || strings.Contains(arg, dir+"/") || strings.HasSuffix(arg, "="+dir) {
				found[pid] = program
				break
			}
		}
	}
	return found
}

// APIServerPID finds the lab's kube-apiserver (for fault tests that stop
// it); 0 when it is not running.
func (l *Lab) APIServerPID() int {
	for pid, program := range labProcesses(l.Dir) {
		if program == "kube-apiserver" {
			return pid
		}
	}
	return 0
}
