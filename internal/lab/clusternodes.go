package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/internal/lab/k8snode"
	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/model"
)

// ClusterNode is a server of the lab that is a Kubernetes node: its BGP
// speaker is an emulation of its CNI's node agent (Agent says which),
// configured only from the objects the lab's API server holds, and a pod
// namespace behind it holds one pod address of its pod block.
type ClusterNode struct {
	Name    string `json:"name"`
	Cluster string `json:"cluster"`
	Agent   string `json:"agent"`
	// Netns is the server's namespace, where the speaker runs; PodNetns
	// the pod's, cabled to it by a veth (pod0 on the node, eth0 in it).
	Netns    string `json:"netns"`
	PodNetns string `json:"podNetns"`
	// Pod is the pod's address (the second of the node's first pod
	// block, the first being the node's side of the veth).
	Pod string `json:"pod,omitempty"`
	// Dir holds the speaker's configuration, control socket and logs.
	Dir       string     `json:"dir"`
	Processes []*Process `json:"processes,omitempty"`
}

// startNodes starts the speaker of every booted cluster node not running
// one yet. A node whose server is not booted (its leaf's L2 is not
// emulated) is said and skipped.
func (l *Lab) startNodes(ctx context.Context, f *model.Fabric, st *State) error {
	exe, err := l.Program(progUnderlay, "")
	if err != nil {
		return err
	}
	for _, cl := range f.Clusters {
		var objs *k8snode.Objects
		for _, n := range cl.Nodes {
			h, err := st.Host(n.Name)
			if err != nil {
				return err
			}
			if h.Netns == "" || (h.Addr == "" && cl.Peering != model.PeerUnnumbered) {
				l.progress("  %s: not started as a node of %s: its server is not booted", n.Name, cl.Name)
				continue
			}
			if cn := st.clusterNode(n.Name); cn != nil && running(cn) {
				// The emulation configures a speaker when it starts it;
				// it does not follow later changes of the objects.
				continue
			}
			if objs == nil {
				if objs, err = l.readCluster(ctx, cl); err != nil {
					return err
				}
			}
			if err := l.startNode(ctx, st, cl, h, objs, exe); err != nil {
				return fmt.Errorf("node %s of cluster %s: %w", n.Name, cl.Name, err)
			}
		}
	}
	return l.saveState(st)
}

// readCluster reads the cluster's objects back from the API server, as
// the node agents read them.
func (l *Lab) readCluster(ctx context.Context, cl *model.Cluster) (*k8snode.Objects, error) {
	c, err := l.Client()
	if err != nil {
		return nil, err
	}
	objs, _, err := k8snode.ReadObjects(ctx, c, client.MatchingLabels{"underlay.dev/cluster": cl.Name})
	if err != nil {
		return nil, fmt.Errorf("cluster %s: reading its objects from the API server: %w", cl.Name, err)
	}
	return objs, nil
}

func running(cn *ClusterNode) bool {
	for _, p := range cn.Processes {
		if !p.Alive() {
			return false
		}
	}
	return len(cn.Processes) > 0
}

// startNode records the node, puts its pod behind it and starts its
// speaker.
func (l *Lab) startNode(ctx context.Context, st *State, cl *model.Cluster, h *Host, objs *k8snode.Objects, exe string) error {
	cfg, err := objs.Node(h.Name)
	if err != nil {
		return err
	}
	if len(cfg.PodBlocks) == 0 {
		return errors.New("its CNI's objects give it no pod block")
	}
	cn := st.clusterNode(h.Name)
	if cn == nil {
		st.Nodes = append(st.Nodes, ClusterNode{Name: h.Name, Cluster: cl.Name, Netns: h.Netns,
			PodNetns: h.Netns + "-pod", Dir: l.path("nodes", h.Name)})
		cn = &st.Nodes[len(st.Nodes)-1]
	}
	if cn.PodNetns == "" {
		return fmt.Errorf("its pod namespace %s-pod belongs to someone else: remove it or pick another --id", h.Netns)
	}
	cn.Agent = string(cfg.Agent)
	if err := l.saveState(st); err != nil {
		return err
	}
	if err := os.MkdirAll(cn.Dir, 0o700); err != nil {
		return err
	}
	if cn.Pod == "" {
		pod, err := addPod(ctx, cn, cfg.PodBlocks[0])
		if errors.Is(err, node.ErrExists) {
			// Someone else's: down must not remove it.
			cn.PodNetns = ""
			return errors.Join(err, l.saveState(st))
		}
		if err != nil {
			return err
		}
		cn.Pod = pod.String()
		if err := l.saveState(st); err != nil {
			return err
		}
	}
	if err := l.prepareNode(ctx, st, cl, h, cfg); err != nil {
		return err
	}
	sp, err := k8snode.Start(ctx, cn.Netns, cn.Dir, exe, cfg)
	if err != nil {
		return err
	}
	pid := sp.PID()
	if pid == 0 {
		pid = pidFile(speakerPidFile(cn, cfg))
	}
	if pid > 0 {
		cn.Processes = []*Process{record(pid)}
	}
	l.progress("  %s: Kubernetes node of %s: %s, AS %d, router id %s, %d peers, announces %s; pod %s in %s",
		h.Name, cl.Name, cfg.Agent, cfg.ASN, cfg.RouterID, len(cfg.Peers), prefixList(cfg.Announce()), cn.Pod, cn.PodNetns)
	return nil
}

// addPod creates the pod namespace behind the node, as the CNI's IPAM and
// plugin would: the block's first address on the node's pod0, the second
// the pod's, its default route via the node.
func addPod(ctx context.Context, cn *ClusterNode, block netip.Prefix) (netip.Addr, error) {
	gw := block.Masked().Addr().Next()
	pod := gw.Next()
	if err := node.AddNetns(ctx, cn.PodNetns); err != nil {
		return netip.Addr{}, err
	}
	steps := [][]string{
		{"ip", "-n", cn.Netns, "addr", "add", netip.PrefixFrom(gw, block.Bits()).String(), "dev", "pod0"},
		{"ip", "-n", cn.PodNetns, "addr", "add", netip.PrefixFrom(pod, block.Bits()).String(), "dev", "eth0"},
		{"ip", "-n", cn.PodNetns, "route", "add", "default", "via", gw.String()},
	}
	if err := node.AddVeth(ctx, cn.Netns, "pod0", cn.PodNetns, "eth0"); err != nil {
		return netip.Addr{}, err
	}
	for _, s := range steps {
		if err := node.Run(ctx, s...); err != nil {
			return netip.Addr{}, err
		}
	}
	return pod, nil
}

// pidFile reads a daemon's pid file; 0 when there is none yet.
func pidFile(path string) int {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// nodeStatus lists the cluster nodes: each one's speaker is an emulation
// of its CNI's node agent, and says so.
func nodeStatus(w io.Writer, st *State) error {
	if len(st.Nodes) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tCLUSTER\tNODE AGENT\tSPEAKER\tPOD")
	for _, n := range st.Nodes {
		speaker := "not running"
		if running(&n) {
			speaker = fmt.Sprintf("pid %d", n.Processes[0].PID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s in %s\n", n.Name, n.Cluster, n.Agent, speaker, n.Pod, n.PodNetns)
	}
	return tw.Flush()
}

// clusterNode returns the recorded cluster node, or nil.
func (s *State) clusterNode(name string) *ClusterNode {
	for i := range s.Nodes {
		if s.Nodes[i].Name == name {
			return &s.Nodes[i]
		}
	}
	return nil
}
