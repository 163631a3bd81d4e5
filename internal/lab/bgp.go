package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Peer is one BGP session as FRR reports it.
type Peer struct {
	State       string `json:"state"`
	Established int    `json:"connectionsEstablished"`
	Dropped     int    `json:"connectionsDropped"`
}

// Peers reads every BGP session of a device, across address families,
// keyed by FRR's name for the neighbor (an address or an interface).
func Peers(ctx context.Context, pathspace string) (map[string]Peer, error) {
	out, err := vtysh(ctx, pathspace, "show bgp summary json")
	if err != nil {
		return nil, fmt.Errorf("vtysh -N %s: %w: %s", pathspace, err, out)
	}
	var afs map[string]struct {
		Peers map[string]Peer `json:"peers"`
	}
	if err := json.Unmarshal([]byte(out), &afs); err != nil {
		return nil, fmt.Errorf("show bgp summary json on %s: %w", pathspace, err)
	}
	peers := map[string]Peer{}
	for _, af := range afs {
		for name, p := range af.Peers {
			peers[name] = p
		}
	}
	return peers, nil
}

// WaitEstablished waits until every device has as many Established
// sessions as the synced intent gives it. Each vtysh call is bounded by
// the deadline (within, or ctx's if earlier); at it, the error names each
// device short of its sessions and what FRR last said.
func (l *Lab) WaitEstablished(ctx context.Context, within time.Duration) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	f, err := LoadFabric(st.Fabric)
	if err != nil {
		return err
	}
	want := map[string]int{}
	for _, d := range f.Devices {
		want[d.Name] = len(d.Sessions)
	}
	w := startWait(ctx, within)
	defer w.cancel()
	ctx = w.ctx
	for {
		var missing []string
		for _, d := range st.Devices {
			peers, err := Peers(ctx, d.Netns)
			if n := established(peers); err != nil {
				missing = append(missing, fmt.Sprintf("%s %d/%d (%v)", d.Name, n, want[d.Name], err))
			} else if n < want[d.Name] {
				missing = append(missing, fmt.Sprintf("%s %d/%d (%s)", d.Name, n, want[d.Name], notEstablished(peers)))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			sort.Strings(missing)
			return w.failed("waiting for every BGP session to be Established", strings.Join(missing, "; "))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// notEstablished lists the sessions that are not Established, with state.
func notEstablished(peers map[string]Peer) string {
	var out []string
	for name, p := range peers {
		if p.State != "Established" {
			out = append(out, name+" "+p.State)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "sessions missing from FRR"
	}
	return strings.Join(out, ", ")
}

func established(peers map[string]Peer) int {
	n := 0
	for _, p := range peers {
		if p.State == "Established" {
			n++
		}
	}
	return n
}
