package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// ControlSocket is the supervisor's unix socket (in the lab directory).
const ControlSocket = "control.sock"

// SupervisorStatus is what the supervisor reports.
type SupervisorStatus struct {
	Agents map[string]AgentStatus `json:"agents"`
}

// AgentStatus is one supervised agent process.
type AgentStatus struct {
	PID      int `json:"pid"`
	Restarts int `json:"restarts"`
}

type supervisor struct {
	lab   *Lab
	state *State
	log   *slog.Logger

	mu      sync.Mutex
	agents  map[string]*agentProc
	started bool
	wg      sync.WaitGroup
}

type agentProc struct {
	cmd      *exec.Cmd
	restarts int
}

func (s *supervisor) serveControl(ctx context.Context) error {
	sock := s.lab.path(ControlSocket)
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		if err := json.NewEncoder(w).Encode(s.status()); err != nil {
			s.log.Error("writing the status", "err", err)
		}
	})
	mux.HandleFunc("POST /agents/start", func(w http.ResponseWriter, r *http.Request) {
		if err := s.startAgents(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	s.log.Info("lab supervisor ready", "dir", s.lab.Dir)
	err = srv.Serve(ln)
	s.stopAgents()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *supervisor) status() SupervisorStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := SupervisorStatus{Agents: map[string]AgentStatus{}}
	for name, a := range s.agents {
		st := AgentStatus{Restarts: a.restarts}
		if a.cmd != nil && a.cmd.Process != nil {
			st.PID = a.cmd.Process.Pid
		}
		out.Agents[name] = st
	}
	return out
}

func (s *supervisor) startAgents(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return nil
	}
	bin, err := s.lab.Program(progAgent, "")
	if err != nil {
		return err
	}
	self, err := s.lab.Program(progUnderlay, "")
	if err != nil {
		return err
	}
	c, err := s.lab.Client()
	if err != nil {
		return err
	}
	argv := map[string][]string{}
	for _, d := range s.state.Devices {
		ds, err := s.lab.workload(ctx, c, s.state, d)
		if err != nil {
			return err
		}
		if argv[d.Name], err = s.lab.agentArgs(s.state, d, self, ds); err != nil {
			return err
		}
	}
	s.started = true
	for _, d := range s.state.Devices {
		s.agents[d.Name] = &agentProc{}
		s.wg.Add(1)
		go s.superviseAgent(ctx, d.Name, bin, argv[d.Name])
	}
	return nil
}

// superviseAgent runs one agent and restarts it a second after it dies,
// as the kubelet restarts a DaemonSet's pod.
func (s *supervisor) superviseAgent(ctx context.Context, name, bin string, args []string) {
	defer s.wg.Done()
	logf, err := os.OpenFile(s.lab.path("devices", name, "agent.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		s.log.Error("agent log", "device", name, "err", err)
		return
	}
	defer logf.Close()
	for first := true; ctx.Err() == nil; first = false {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+s.lab.path("devices", name, "kubeconfig"))
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			s.log.Error("starting agent", "device", name, "err", err)
		} else {
			s.mu.Lock()
			s.agents[name].cmd = cmd
			if !first {
				s.agents[name].restarts++
			}
			s.mu.Unlock()
			err := cmd.Wait()
			if ctx.Err() == nil {
				s.log.Warn("agent exited; restarting", "device", name, "err", err)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *supervisor) stopAgents() {
	s.mu.Lock()
	for _, a := range s.agents {
		if a.cmd != nil && a.cmd.Process != nil {
			a.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Control calls the supervisor; the call ends within the lab's request
// timeout and its error names the call.
func (l *Lab) Control(ctx context.Context, method, path string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, l.requestTimeout())
	defer cancel()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", l.path(ControlSocket))
		}}}
	req, err := http.NewRequestWithContext(ctx, method, "http://lab"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("lab supervisor %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b [512]byte
		n, _ := resp.Body.Read(b[:])
		return fmt.Errorf("lab supervisor %s %s: %s: %s", method, path, resp.Status, b[:n])
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("lab supervisor %s %s: %w", method, path, err)
		}
	}
	return nil
}
