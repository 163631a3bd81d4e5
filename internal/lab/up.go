package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/model"
)

// ErrAlreadyUp is returned by Up when Dir already holds a lab.
var ErrAlreadyUp = errors.New("a lab is already up")

// UpOptions configure lab up.
type UpOptions struct {
	// ID prefixes namespace names (default: the fabric's name).
	ID string
	// Assets is the directory with etcd and kube-apiserver.
	Assets string
	// HealthTimeout is the agents' health gate (default 30s).
	HealthTimeout time.Duration
}

// Up builds the fabric: namespaces, veths, FRR, the supervisor with the
// API server, then syncs the intent and starts the agents. It returns when
// every device runs its config and every BGP session is Established; each
// stage fails at its own deadline (or ctx's), naming the stage.
func (l *Lab) Up(ctx context.Context, fabricPath string, o UpOptions) error {
	if err := RequireRoot(); err != nil {
		return err
	}
	if l.Exists() {
		return fmt.Errorf("%w in %s: run `underlay lab down` first", ErrAlreadyUp, l.Dir)
	}
	start := time.Now()
	// Every program the lab runs is found before anything is created
	// (the supervisor, which is underlay, finds the agent the same way).
	self, err := l.Program(progUnderlay, "")
	if err != nil {
		return err
	}
	if _, err := l.Program(progAgent, ""); err != nil {
		return err
	}
	assets, err := l.K8sBins(o.Assets)
	if err != nil {
		return err
	}
	f, err := LoadFabric(fabricPath)
	if err != nil {
		return err
	}
	if err := checkClusters(f); err != nil {
		return fmt.Errorf("lab up %s: %w", fabricPath, err)
	}
	st, err := l.plan(f, fabricPath, o.ID)
	if err != nil {
		return err
	}
	st.HealthTimeout = "30s"
	if o.HealthTimeout > 0 {
		st.HealthTimeout = o.HealthTimeout.String()
	}
	l.progress("lab %s: %d devices, %d links, %d servers (dir %s)", st.ID, len(f.Devices), len(f.Links), len(f.Servers), l.Dir)
	for _, d := range st.Devices {
		if what, ok := Emulated(d.Platform); ok {
			l.progress("  %s: %s", d.Name, what)
		}
	}
	l.progressEmulatedL2(f, st)
	if err := l.saveState(st); err != nil {
		return err
	}
	if err := l.build(ctx, f, st); err != nil {
		return fmt.Errorf("lab up: building namespaces, FRR and links: %w", err)
	}
	if err := l.buildHosts(ctx, f, st); err != nil {
		return fmt.Errorf("lab up: cabling the servers: %w", err)
	}
	if err := l.startSupervisor(ctx, st, self, assets); err != nil {
		return fmt.Errorf("lab up: starting the supervisor and the API server: %w", err)
	}
	if err := l.Sync(ctx, fabricPath); err != nil {
		return fmt.Errorf("lab up: %w", err)
	}
	if err := l.Control(ctx, "POST", "/agents/start", nil); err != nil {
		return fmt.Errorf("lab up: starting the agents: %w", err)
	}
	l.progress("agents started; waiting for every device to apply its config")
	t := time.Now()
	if err := l.WaitApplied(ctx, 5*time.Minute); err != nil {
		return fmt.Errorf("lab up: %w", err)
	}
	l.progress("  every agent applied its config and passed its health gate: %s", time.Since(t).Round(100*time.Millisecond))
	if err := l.WaitEstablished(ctx, 3*time.Minute); err != nil {
		return fmt.Errorf("lab up: %w", err)
	}
	if err := l.BootServers(ctx); err != nil {
		return fmt.Errorf("lab up: booting the servers: %w", err)
	}
	l.progress("lab up in %s: every device runs its config and every BGP session is Established (converged %s after the agents started)",
		time.Since(start).Round(100*time.Millisecond), time.Since(t).Round(100*time.Millisecond))
	return nil
}

// plan names everything the lab will create, before creating any of it.
func (l *Lab) plan(f *model.Fabric, fabricPath string, id string) (*State, error) {
	if id == "" {
		id = f.Name
	}
	if err := CheckID(id); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(fabricPath)
	if err != nil {
		return nil, err
	}
	st := &State{ID: id, Fabric: abs, Namespace: f.Namespace, Links: links(f)}
	// Unix socket paths (NVUE emulator, control socket) hold 107 bytes.
	for _, d := range f.Devices {
		if p := l.nvueSocket(d.Name); len(p) > 107 {
			return nil, fmt.Errorf("lab directory %s is too long for the unix socket %s (107 bytes at most): use a shorter --dir", l.Dir, p)
		}
	}
	for _, d := range f.Devices {
		ns := "ul-" + id + "-" + d.Name
		if node.Exists(ns) {
			return nil, fmt.Errorf("network namespace %s already exists (another lab?): remove it or pick another --id", ns)
		}
		st.Devices = append(st.Devices, Device{Name: d.Name, Platform: string(d.Platform), Netns: ns})
	}
	if err := l.planHosts(f, st); err != nil {
		return nil, err
	}
	return st, os.MkdirAll(l.Dir, 0o700)
}

// build creates namespaces, FRR and links; a few devices at a time since
// each FRR start takes a few hundred milliseconds.
func (l *Lab) build(ctx context.Context, f *model.Fabric, st *State) error {
	t := time.Now()
	var (
		mu      sync.Mutex
		foreign = map[string]bool{}
	)
	err := forEach(st.Devices, 4, func(d Device) error {
		if err := os.MkdirAll(l.path("devices", d.Name, "sonic", "frr"), 0o755); err != nil {
			return err
		}
		if err := node.AddNetns(ctx, d.Netns); err != nil {
			if errors.Is(err, node.ErrExists) {
				mu.Lock()
				foreign[d.Name] = true
				mu.Unlock()
			}
			return err
		}
		return node.StartFRR(ctx, d.Netns, d.Netns, d.Name)
	})
	if err != nil {
		return l.disown(st, foreign, err)
	}
	ns := map[string]string{}
	for _, d := range st.Devices {
		ns[d.Name] = d.Netns
	}
	for _, k := range f.Links {
		if err := node.AddVeth(ctx, ns[k.A.Device.Name], k.A.Port, ns[k.B.Device.Name], k.B.Port); err != nil {
			return err
		}
	}
	cabled := hostPorts(st)
	for _, d := range f.Devices {
		if err := addPorts(ctx, d, ns[d.Name], cabled); err != nil {
			return err
		}
	}
	l.progress("  %d namespaces with FRR, %d links: %s", len(st.Devices), len(f.Links), time.Since(t).Round(100*time.Millisecond))
	return nil
}

// disown drops from the state the namespaces that another lab created
// between plan's check and our `ip netns add` (a lab with the same id, or
// a namespace name that two ids and device names spell alike: "a-b" +
// "c" and "a" + "b-c"), so that down never removes what is not ours.
func (l *Lab) disown(st *State, foreign map[string]bool, err error) error {
	if len(foreign) == 0 {
		return err
	}
	for i, d := range st.Devices {
		if foreign[d.Name] {
			st.Devices[i].Netns = ""
		}
	}
	if serr := l.saveState(st); serr != nil {
		return errors.Join(err, serr)
	}
	return err
}

// addPorts creates the device's ports that no link made and no lab host
// is cabled to (cabled: "device:port"), and sets a host's port MTUs.
func addPorts(ctx context.Context, d *model.Device, ns string, cabled map[string]bool) error {
	for _, i := range d.Interfaces {
		if i.Kind != model.KindRouted {
			continue
		}
		if i.Link() == nil && !cabled[d.Name+":"+i.Name] {
			// A server-facing port with nothing behind it: a veth whose
			// peer stays in the device, so the port has carrier.
			if err := node.AddVeth(ctx, ns, i.Name, ns, "s"+i.Name); err != nil {
				return err
			}
		}
		// A host's own OS (netplan, systemd-networkd) sets its port MTU;
		// linux-frr renders only FRR, so the lab plays that part.
		if d.Platform == model.PlatformLinuxFRR && i.MTU > 0 {
			if err := node.Run(ctx, "ip", "-n", ns, "link", "set", i.Name, "mtu", strconv.Itoa(i.MTU)); err != nil {
				return err
			}
		}
	}
	return nil
}

func forEach(devices []Device, workers int, fn func(Device) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, workers)
	)
	for _, d := range devices {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(d); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", d.Name, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// startSupervisor starts `underlay lab serve` in its own session and
// waits until its control socket answers.
func (l *Lab) startSupervisor(ctx context.Context, st *State, self, assets string) error {
	logf, err := os.Create(l.path("supervisor.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(self, "lab", "serve", "--dir="+l.Dir, "--k8s-bins="+assets)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	st.Supervisor = record(cmd.Process.Pid)
	if err := l.saveState(st); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t := time.Now()
	w := startWait(ctx, SupervisorTimeout)
	defer w.cancel()
	ctx = w.ctx
	var last error
	for {
		if last = l.Control(ctx, "GET", "/status", nil); last == nil {
			l.progress("  API server (kube-apiserver + etcd on 127.0.0.1) and emulators up: %s", time.Since(t).Round(100*time.Millisecond))
			return nil
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(l.path("supervisor.log"))
			return fmt.Errorf("the lab supervisor exited (%w):\n%s", err, tail(b, 15))
		case <-ctx.Done():
			return w.failed("waiting for the lab supervisor's control socket", fmt.Sprintf("%v; see %s", last, l.path("supervisor.log")))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// SupervisorTimeout bounds the start of the supervisor: the API server,
// etcd and the emulators.
const SupervisorTimeout = 2 * time.Minute

// tail returns the last n lines of a log.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
