package kube

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/dirsource"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/expect"
)

// reporter is where outcomes go: the NetworkDevice status (Reporter) or,
// without an API server, the log (LogReporter).
type reporter interface {
	Desired(ctx context.Context, rev string)
	Result(ctx context.Context, res agent.Result, st *driver.State, exp []expect.Session)
	sessionReporter
}

var (
	_ reporter = (*Reporter)(nil)
	_ reporter = (*LogReporter)(nil)
)

// LogReporter reports as the NetworkDevice status would, to the log: the
// status of an agent in offline mode (--config-dir, no API server).
type LogReporter struct {
	Device string
	Log    *slog.Logger

	mu       sync.Mutex
	sessions [2]int32 // established, expected as Sessions last logged them
}

// Desired logs a new desired revision.
func (r *LogReporter) Desired(_ context.Context, rev string) {
	r.Log.Info("status", "device", r.Device, "desiredRevision", rev, "condition", "Progressing")
}

// Result logs how an apply ended, with the error bounded as in status.
func (r *LogReporter) Result(_ context.Context, res agent.Result, st *driver.State, exp []expect.Session) {
	args := []any{"device", r.Device, "revision", res.Revision, "outcome", res.Outcome, "reason", agent.Reason(res),
		"took", res.Took.Round(1e6).String()}
	if st != nil {
		var s v1alpha1.NetworkDeviceStatus
		setSessions(&s, st, exp)
		args = append(args, "sessions", *s.SessionsEstablished, "expected", *s.SessionsExpected)
	}
	if res.Err != nil {
		r.Log.Warn("status", append(args, "lastError", agent.Message(res.Err))...)
		return
	}
	r.Log.Info("status", args...)
}

// Sessions logs the sessions of a follow-up after a result when their
// counts changed since the follow-up's last probe.
func (r *LogReporter) Sessions(_ context.Context, st *driver.State, exp []expect.Session) {
	var s v1alpha1.NetworkDeviceStatus
	setSessions(&s, st, exp)
	counts := [2]int32{*s.SessionsEstablished, *s.SessionsExpected}
	r.mu.Lock()
	defer r.mu.Unlock()
	if counts == r.sessions {
		return
	}
	r.sessions = counts
	r.Log.Info("status", "device", r.Device, "sessions", counts[0], "expected", counts[1])
}

// RunOffline runs the agent on a configuration directory without an API
// server: the directory is the only source and the log the only status.
func RunOffline(ctx context.Context, cfg Config) error {
	if cfg.ConfigDir == "" {
		return errors.New("offline mode needs a configuration directory (--config-dir)")
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	rep := &LogReporter{Device: cfg.Device, Log: log}
	var settle settler
	runner := &agent.Runner{Engine: cfg.Engine, DriftInterval: cfg.DriftInterval, DriftPolicy: cfg.DriftPolicy,
		OnResult: func(res agent.Result) { report(ctx, rep, cfg.Engine, &settle, res) }}
	done := make(chan struct{})
	go func() { runner.Run(ctx); close(done) }()
	// An apply in flight finishes (or is cancelled) before Run returns.
	defer func() { cancel(); <-done }()
	return watchDir(ctx, cfg.ConfigDir, rep, runner)
}

// watchDir feeds the runner from a directory; what the directory source
// refuses is reported as a Rejected apply (the device keeps its config).
func watchDir(ctx context.Context, dir string, rep reporter, runner *agent.Runner) error {
	return dirsource.Watch(ctx, dir, dirsource.Options{
		Submit: func(rev string, files store.Files) {
			rep.Desired(ctx, rev)
			runner.Submit(rev, files)
		},
		Refused: func(err error) {
			rep.Result(ctx, agent.Result{Outcome: agent.Rejected, Stage: agent.StageValidate, Err: err}, nil, nil)
		},
	})
}
