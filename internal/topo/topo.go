// Package topo is the picture of a fabric: its devices, servers and
// clusters as nodes grouped by tier and pod, its links collapsed to one
// edge per pair of nodes with their port labels, and the BGP sessions the
// model configures on each pair (what verify and the health gate expect).
//
// It is computed once from a resolved model.Fabric; `underlay graph`
// prints it as DOT, Mermaid or JSON and `underlay serve` draws it, so the
// picture and the export never disagree. Every slice is in a fixed order,
// so the same intent gives the same bytes.
package topo

import (
	"sort"
	"strconv"

	"underlay.dev/underlay/internal/model"
)

// Tiers, top to bottom of the picture.
const (
	TierSuperspine = "superspine"
	TierSpine      = "spine"
	TierLeaf       = "leaf"
	TierHost       = "host"
	TierServer     = "server"
	TierCluster    = "cluster"
)

// Tiers lists the tiers in drawing order.
var Tiers = []string{TierSuperspine, TierSpine, TierLeaf, TierHost, TierServer, TierCluster}

// Kinds of node.
const (
	KindDevice  = "device"
	KindServer  = "server"
	KindCluster = "cluster"
)

// Topology is the whole picture.
type Topology struct {
	Fabric    string  `json:"fabric"`
	Namespace string  `json:"namespace"`
	Groups    []Group `json:"groups"` // by tier (Tiers order), then pod
	Nodes     []Node  `json:"nodes"`  // by tier, pod, name
	Edges     []Edge  `json:"edges"`  // by A, then B
}

// Group is the nodes of one tier in one pod (pod 0: a 3-stage fabric, the
// superspines, or nodes outside pods).
type Group struct {
	ID    string   `json:"id"` // e.g. "leaf-pod1"; a valid DOT and Mermaid identifier
	Tier  string   `json:"tier"`
	Pod   int      `json:"pod"`
	Nodes []string `json:"nodes"` // node IDs, by name
}

// Node is a device, a bare-metal server or a Kubernetes cluster.
type Node struct {
	ID       string `json:"id"` // unique across kinds: devices by name, "server:NAME", "cluster:NAME"
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Tier     string `json:"tier"`
	Pod      int    `json:"pod"`
	Platform string `json:"platform,omitempty"`
	ASN      uint32 `json:"asn,omitempty"`
	// Expected is the number of fabric BGP sessions the device's health
	// gate waits for (expect.For: fabric sessions only); 0 for servers
	// and clusters.
	Expected int `json:"expectedSessions"`
}

// Edge is every link between two nodes, collapsed.
type Edge struct {
	A     string `json:"a"` // node ID, A < B in node order
	B     string `json:"b"`
	Kind  string `json:"kind"` // "fabric", "server" (a server's ports), "cluster" (a rack)
	Ports []Port `json:"ports"`
	// Sessions is the number of BGP sessions configured between A and B,
	// counted on A: fabric sessions between devices, the leaf's sessions
	// to the cluster's nodes on a rack.
	Sessions int `json:"sessions"`
}

// Port is one link of an edge: A's port and B's.
type Port struct {
	A string `json:"a"`
	B string `json:"b"`
}

// ServerID and ClusterID name the nodes of servers and clusters, which may
// share a name with a device.
func ServerID(name string) string { return "server:" + name }

// ClusterID is the node ID of a cluster.
func ClusterID(name string) string { return "cluster:" + name }

// Build computes the picture of f.
func Build(f *model.Fabric) *Topology {
	t := &Topology{Fabric: f.Name, Namespace: f.Namespace}
	for _, d := range f.Devices {
		t.Nodes = append(t.Nodes, Node{ID: d.Name, Name: d.Name, Kind: KindDevice, Tier: string(d.Role), Pod: d.Pod,
			Platform: string(d.Platform), ASN: uint32(d.ASN), Expected: fabricSessions(d)})
	}
	for _, s := range f.Servers {
		t.Nodes = append(t.Nodes, Node{ID: ServerID(s.Name), Name: s.Name, Kind: KindServer, Tier: TierServer, Pod: s.Leaf.Pod})
	}
	for _, c := range f.Clusters {
		t.Nodes = append(t.Nodes, Node{ID: ClusterID(c.Name), Name: c.Name, Kind: KindCluster, Tier: TierCluster})
	}
	sortNodes(t.Nodes)
	t.Groups = groups(t.Nodes)
	t.Edges = edges(f, order(t.Nodes))
	return t
}

// fabricSessions counts the sessions of d that its health gate waits for.
func fabricSessions(d *model.Device) int {
	n := 0
	for _, s := range d.Sessions() {
		if s.Fabric() {
			n++
		}
	}
	return n
}

func tierIndex(tier string) int {
	for i, x := range Tiers {
		if x == tier {
			return i
		}
	}
	return len(Tiers)
}

func sortNodes(ns []Node) {
	sort.Slice(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if ta, tb := tierIndex(a.Tier), tierIndex(b.Tier); ta != tb {
			return ta < tb
		}
		if a.Pod != b.Pod {
			return a.Pod < b.Pod
		}
		return model.NaturalLess(a.Name, b.Name)
	})
}

// groups splits the sorted nodes into runs of one tier and pod.
func groups(ns []Node) []Group {
	var out []Group
	for _, n := range ns {
		if len(out) == 0 || out[len(out)-1].Tier != n.Tier || out[len(out)-1].Pod != n.Pod {
			id := n.Tier
			if n.Pod > 0 {
				id += "-pod" + strconv.Itoa(n.Pod)
			}
			out = append(out, Group{ID: id, Tier: n.Tier, Pod: n.Pod})
		}
		g := &out[len(out)-1]
		g.Nodes = append(g.Nodes, n.ID)
	}
	return out
}

// order maps a node ID to its position, which orders edge ends.
func order(ns []Node) map[string]int {
	m := make(map[string]int, len(ns))
	for i, n := range ns {
		m[n.ID] = i
	}
	return m
}
