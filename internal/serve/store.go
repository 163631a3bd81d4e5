package serve

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
)

// store holds the last status of every device of the fabric the watch
// reported and fans changes out to the page's event streams.
type store struct {
	devices map[string]bool // the fabric's devices; others in the namespace are not shown

	mu     sync.Mutex
	status map[string]Status
	subs   map[chan event]struct{}
	synced bool
	// watchErr is the watch's last error (RBAC forbidding the list, the
	// API server unreachable) until the cache syncs; the page shows it.
	watchErr string
	// rev counts the changes to what the page is told (status, synced,
	// watchErr), so an encoded snapshot is reused until the next one.
	rev uint64
}

// event is one message of the stream: a device's new status, or its
// removal (Gone).
type event struct {
	Status Status `json:"status"`
	Gone   bool   `json:"gone,omitempty"`
}

// subBuffer is how many events a slow page may fall behind before its
// stream is closed; the browser reconnects and gets a fresh snapshot.
const subBuffer = 4096

func newStore(devices []string) *store {
	s := &store{devices: map[string]bool{}, status: map[string]Status{}, subs: map[chan event]struct{}{}}
	for _, d := range devices {
		s.devices[d] = true
	}
	return s
}

// put records nd's status and tells every subscriber.
func (s *store) put(nd *v1alpha1.NetworkDevice, gone bool) {
	if !s.devices[nd.Name] {
		return
	}
	st := statusOf(nd)
	s.mu.Lock()
	defer s.mu.Unlock()
	if gone {
		delete(s.status, nd.Name)
		st = Status{Name: nd.Name, State: StateUnknown, Established: -1, Expected: -1}
	} else {
		s.status[nd.Name] = st
	}
	s.rev++
	for ch := range s.subs {
		select {
		case ch <- event{Status: st, Gone: gone}:
		default: // too far behind: end its stream
			delete(s.subs, ch)
			close(ch)
		}
	}
}

func (s *store) setWatchErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.synced && s.watchErr != err.Error() {
		s.watchErr = err.Error()
		s.rev++
	}
}

// snapshot returns every known status and whether the watch has listed.
func (s *store) snapshot() (map[string]Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Status, len(s.status))
	for k, v := range s.status {
		out[k] = v
	}
	return out, s.synced
}

// view is what the page is told, at revision rev: every known status, and
// the watch's state.
type view struct {
	rev      uint64
	status   map[string]Status
	synced   bool
	watchErr string
}

// view returns the current view if its revision is not have's, else only
// the revision: a cached encoding of have is still current.
func (s *store) view(have uint64, cached bool) view {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cached && have == s.rev {
		return view{rev: s.rev}
	}
	return view{rev: s.rev, status: maps.Clone(s.status), synced: s.synced, watchErr: s.watchErr}
}

// subscribe returns a channel of changes and the snapshot they follow.
func (s *store) subscribe() (chan event, map[string]Status) {
	ch := make(chan event, subBuffer)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	snap, _ := s.snapshot()
	return ch, snap
}

func (s *store) unsubscribe(ch chan event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[ch]; ok {
		delete(s.subs, ch)
		close(ch)
	}
}

// watch runs an informer on the NetworkDevices of namespace with cfg (the
// caller's credentials, so RBAC decides what is seen) until ctx ends.
func (s *store) watch(ctx context.Context, cfg *rest.Config, namespace string) error {
	scheme, err := kube.Scheme()
	if err != nil {
		return err
	}
	c, err := cache.New(cfg, cache.Options{Scheme: scheme, DefaultNamespaces: map[string]cache.Config{namespace: {}},
		DefaultWatchErrorHandler: func(ctx context.Context, r *toolscache.Reflector, err error) {
			s.setWatchErr(err)
			toolscache.DefaultWatchErrorHandler(ctx, r, err)
		}})
	if err != nil {
		return fmt.Errorf("watching NetworkDevices in %s: %w", namespace, err)
	}
	inf, err := c.GetInformer(ctx, &v1alpha1.NetworkDevice{})
	if err != nil {
		return fmt.Errorf("watching NetworkDevices in %s: %w", namespace, err)
	}
	_, err = inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { s.onObject(o, false) },
		UpdateFunc: func(_, o any) { s.onObject(o, false) },
		DeleteFunc: func(o any) { s.onObject(o, true) },
	})
	if err != nil {
		return fmt.Errorf("watching NetworkDevices in %s: %w", namespace, err)
	}
	go func() {
		if c.WaitForCacheSync(ctx) {
			s.mu.Lock()
			s.synced, s.watchErr = true, ""
			s.rev++
			s.mu.Unlock()
		}
	}()
	return c.Start(ctx)
}

func (s *store) onObject(o any, gone bool) {
	if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	if nd, ok := o.(*v1alpha1.NetworkDevice); ok {
		s.put(nd, gone)
	}
}
