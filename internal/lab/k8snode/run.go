package k8snode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// StartBIRD checks the node's bird.conf with `bird -p` and starts BIRD in
// network namespace ns; its config, control socket and pid file live in
// dir. BIRD daemonizes; removing the namespace's processes stops it.
func StartBIRD(ctx context.Context, ns, dir string, c *Config) error {
	conf, err := BIRDConfig(c)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "bird.conf")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		return fmt.Errorf("node %s: %w", c.Node, err)
	}
	if err := run(ctx, "bird", "-p", "-c", path); err != nil {
		return fmt.Errorf("node %s: bird.conf rejected: %w", c.Node, err)
	}
	return run(ctx, "ip", "netns", "exec", ns, "bird", "-c", path,
		"-s", filepath.Join(dir, "bird.ctl"), "-P", filepath.Join(dir, "bird.pid"))
}

// ApplyFRR loads the node's frr.conf into the FRR running in pathspace
// (started by the lab's node.StartFRR), as frr-k8s reloads its FRR.
func ApplyFRR(ctx context.Context, pathspace, dir string, c *Config) error {
	conf, err := FRRConfig(c)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "frr-k8s.conf")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		return fmt.Errorf("node %s: %w", c.Node, err)
	}
	out, err := exec.CommandContext(ctx, "vtysh", "-N", pathspace, "-f", path).CombinedOutput()
	if err == nil && strings.Contains(string(out), "line ") {
		err = errors.New("a line was rejected") // vtysh may exit 0 on one
	}
	if err != nil {
		return fmt.Errorf("node %s: vtysh -N %s -f %s: %w: %s", c.Node, pathspace, path, err, out)
	}
	return nil
}

// GoBGPEnv names the variable that, set to a node configuration file
// (JSON of Config), makes a binary that calls MaybeGoBGPAgent the node's
// GoBGP agent instead.
const GoBGPEnv = "UNDERLAY_K8SNODE_GOBGP"

// GoBGPCommand is the command that runs the node's GoBGP agent in network
// namespace ns: exe (a binary that calls MaybeGoBGPAgent first) re-run
// there with the configuration written to dir, its log in dir/gobgp.log.
// The caller starts it and stops it (SIGTERM).
func GoBGPCommand(ns, exe, dir string, c *Config) (*exec.Cmd, error) {
	js, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", c.Node, err)
	}
	path := filepath.Join(dir, "gobgp-node.json")
	if err := os.WriteFile(path, js, 0o644); err != nil {
		return nil, fmt.Errorf("node %s: %w", c.Node, err)
	}
	logf, err := os.Create(filepath.Join(dir, "gobgp.log"))
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", c.Node, err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, exe)
	cmd.Env = append(os.Environ(), GoBGPEnv+"="+path)
	cmd.Stdout, cmd.Stderr = logf, logf
	return cmd, nil
}

// MaybeGoBGPAgent runs the GoBGP agent and exits when GoBGPEnv is set,
// and returns at once otherwise; call it first in main or TestMain.
func MaybeGoBGPAgent() {
	path := os.Getenv(GoBGPEnv)
	if path == "" {
		return
	}
	if err := goBGPAgent(path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func goBGPAgent(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return ServeGoBGP(ctx, &c, os.Stdout)
}

func run(ctx context.Context, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Speaker is a running node speaker; Stop ends it (BIRD and FRR daemons
// end with their namespace's processes, which the caller removes).
type Speaker struct {
	cmd *exec.Cmd
}

// PID is the GoBGP agent's process id; 0 for BIRD and FRR (BIRD's is in
// its pid file, bird.pid in the node's directory).
func (s *Speaker) PID() int {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Stop ends the GoBGP agent process, if the speaker has one.
func (s *Speaker) Stop() error {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		_ = err // a signalled agent exits non-zero
		return nil
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		return <-done
	}
}

// Start starts node c's speaker in network namespace ns, the way its
// agent runs it: BIRD (bird.conf in dir), GoBGP (exe re-run as the agent,
// see GoBGPCommand), or FRR (already started by node.StartFRR in
// pathspace ns) loaded with the frr-k8s configuration.
func Start(ctx context.Context, ns, dir, exe string, c *Config) (*Speaker, error) {
	switch c.Agent {
	case AgentCalico:
		return &Speaker{}, StartBIRD(ctx, ns, dir, c)
	case AgentFRRK8s:
		return &Speaker{}, ApplyFRR(ctx, ns, dir, c)
	case AgentCilium:
		cmd, err := GoBGPCommand(ns, exe, dir, c)
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("node %s: starting the GoBGP agent: %w", c.Node, err)
		}
		return &Speaker{cmd: cmd}, nil
	}
	return nil, fmt.Errorf("node %s: agent %q: want one of %q, %q, %q", c.Node, c.Agent, AgentCalico, AgentCilium, AgentFRRK8s)
}
