package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"underlay.dev/underlay/internal/model"
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

// WaitEstablished waits until every fabric session of the synced intent
// is Established, each by FRR's name for its neighbour (s.Neighbor()).
// Sessions to external neighbours and groups are not waited for: the lab
// runs no such neighbours. Each vtysh call is bounded by the deadline
// (within, or ctx's if earlier); at it, the error names each device short
// of its sessions and what FRR last said.
func (l *Lab) WaitEstablished(ctx context.Context, within time.Duration) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	f, err := LoadFabric(st.Fabric)
	if err != nil {
		return err
	}
	want := fabricNeighbors(f)
	w := startWait(ctx, within)
	defer w.cancel()
	ctx = w.ctx
	for {
		var missing []string
		for _, d := range st.Devices {
			peers, err := Peers(ctx, d.Netns)
			nbs := want[d.Name]
			if n := establishedOf(peers, nbs); err != nil {
				missing = append(missing, fmt.Sprintf("%s %d/%d (%v)", d.Name, n, len(nbs), err))
			} else if n < len(nbs) {
				missing = append(missing, fmt.Sprintf("%s %d/%d (%s)", d.Name, n, len(nbs), notEstablished(peers, nbs)))
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

// fabricNeighbors lists each device's fabric neighbours by FRR's name,
// in every routing instance FRR's summary shows (the default one).
func fabricNeighbors(f *model.Fabric) map[string][]string {
	want := map[string][]string{}
	for _, d := range f.Devices {
		for _, s := range d.Default().Sessions {
			if s.Fabric() {
				want[d.Name] = append(want[d.Name], s.Neighbor())
			}
		}
	}
	return want
}

// notEstablished lists the wanted neighbours that are not Established,
// with their state.
func notEstablished(peers map[string]Peer, want []string) string {
	var out []string
	for _, name := range want {
		switch p, ok := peers[name]; {
		case !ok:
			out = append(out, name+" not configured")
		case p.State != "Established":
			out = append(out, name+" "+p.State)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// establishedOf counts the wanted neighbours that are Established.
func establishedOf(peers map[string]Peer, want []string) int {
	n := 0
	for _, name := range want {
		if peers[name].State == "Established" {
			n++
		}
	}
	return n
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
