// Package serve is `underlay serve`: a read-only web page that draws the
// fabric's topology (package topo) and overlays what the agents report in
// their NetworkDevices, live.
//
// One binary: the page's HTML, CSS and JavaScript are embedded. The page
// loads the whole picture and every known status in one request
// (/api/topology), then follows a server-sent event stream (/api/events)
// of status changes fed by one informer on the fabric's namespace, run
// with the caller's kubeconfig: what Kubernetes RBAC lets the caller see
// is what the page shows. A device's panel asks /api/device/NAME for the
// native files the same render as the CLI produced.
package serve

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"time"

	"k8s.io/client-go/rest"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/topo"
)

//go:embed assets
var assets embed.FS

// Options configure a Server.
type Options struct {
	Tree *gitops.Tree // the rendered intent; its Fabric is drawn
	// Config reaches the API server; nil shows the intent alone, every
	// device unknown.
	Config *rest.Config
	// Loopback: the server listens on loopback only, so it answers only
	// requests naming a loopback host (a DNS-rebinding page cannot read it).
	Loopback bool
	Log      io.Writer
}

// Server serves the page.
type Server struct {
	opts     Options
	topo     *topo.Topology
	topoJSON []byte
	files    map[string][]file
	store    *store
	snap     snapshot // /api/topology's answer, encoded once per change
}

type file struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// New computes the picture and the device files once.
func New(o Options) (*Server, error) {
	t := topo.Build(o.Tree.Fabric)
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encoding the topology: %w", err)
	}
	s := &Server{opts: o, topo: t, topoJSON: b, files: map[string][]file{}}
	var names []string
	for _, d := range o.Tree.Devices {
		names = append(names, d.Name)
		for _, f := range d.Files {
			s.files[d.Name] = append(s.files[d.Name], file{f.Name, string(f.Content)})
		}
	}
	s.store = newStore(names)
	return s, nil
}

// Run serves on ln and watches the API until ctx ends.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.opts.Config != nil {
		go s.watch(ctx)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		shut, done := context.WithTimeout(context.Background(), 2*time.Second)
		defer done()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// watchRetry is how long the server waits to start the watch again when
// it could not start (the API server unreachable at first).
const watchRetry = 5 * time.Second

// watch runs the store's watch until ctx ends, starting it again when it
// fails to start; the page shows the error meanwhile.
func (s *Server) watch(ctx context.Context) {
	last := ""
	for {
		err := s.store.watch(ctx, s.opts.Config, s.topo.Namespace)
		if err == nil || ctx.Err() != nil {
			return
		}
		s.store.setWatchErr(err)
		if s.opts.Log != nil && err.Error() != last {
			fmt.Fprintf(s.opts.Log, "watch: %v (retrying every %v)\n", err, watchRetry)
		}
		last = err.Error()
		select {
		case <-ctx.Done():
			return
		case <-time.After(watchRetry):
		}
	}
}

// Handler routes the page and its API; everything is read-only.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/topology", s.handleTopology)
	mux.HandleFunc("GET /api/device/{name}", s.handleDevice)
	mux.HandleFunc("GET /api/events", s.handleEvents)
	return s.guard(mux)
}

// guard refuses what a read-only loopback page must not answer: other
// methods (the mux answers 405), foreign Host headers when on loopback.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Loopback && !loopbackHost(r.Host) {
			http.Error(w, "this server answers only to localhost", http.StatusForbidden)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) handleDevice(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	files, ok := s.files[name]
	if !ok {
		http.Error(w, "no device "+name+" in the intent", http.StatusNotFound)
		return
	}
	snap, _ := s.store.snapshot()
	st, ok := snap[name]
	if !ok {
		st = Status{Name: name, State: StateUnknown, Established: -1, Expected: -1}
	}
	writeJSON(w, map[string]any{"name": name, "files": files, "status": st})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
