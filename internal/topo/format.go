package topo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Formats `underlay graph -o` accepts.
var Formats = []string{"dot", "mermaid", "json"}

// Write prints t in format (one of Formats).
func (t *Topology) Write(format string) ([]byte, error) {
	switch format {
	case "dot":
		return t.DOT(), nil
	case "mermaid":
		return t.Mermaid(), nil
	case "json":
		b, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encoding the topology: %w", err)
		}
		return append(b, '\n'), nil
	}
	return nil, fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// label is an edge's text: its ports and its expected sessions.
func (e *Edge) label() string {
	ps := make([]string, len(e.Ports))
	for i, p := range e.Ports {
		switch {
		case p.B == "":
			ps[i] = p.A
		case p.A == "":
			ps[i] = p.B
		default:
			ps[i] = p.A + "–" + p.B
		}
	}
	l := strings.Join(ps, ", ")
	if e.Sessions > 0 {
		l += fmt.Sprintf(" (%d BGP)", e.Sessions)
	}
	return l
}

// nodeLabel is a node's text: name and what it is.
func (n *Node) label() string {
	switch n.Kind {
	case KindDevice:
		return n.Name + "\n" + n.Platform + " AS" + strconv.FormatUint(uint64(n.ASN), 10)
	case KindCluster:
		return n.Name + "\nKubernetes cluster"
	}
	return n.Name + "\nserver"
}

// DOT prints t for Graphviz: a cluster subgraph per tier and pod whose
// nodes share a rank, tiers top to bottom.
func (t *Topology) DOT() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// underlay graph: fabric %s\ngraph %s {\n", t.Fabric, strconv.Quote(t.Fabric))
	b.WriteString("  rankdir=TB;\n  newrank=true;\n  node [shape=box, fontname=\"Helvetica\"];\n")
	nodes := t.nodeIndex()
	for _, g := range t.Groups {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n    rank=same;\n",
			strconv.Quote("cluster_"+g.ID), strconv.Quote(groupLabel(g)))
		for _, id := range g.Nodes {
			n := nodes[id]
			fmt.Fprintf(&b, "    %s [label=%s];\n", strconv.Quote(id), strconv.Quote(n.label()))
		}
		b.WriteString("  }\n")
	}
	for _, e := range t.Edges {
		fmt.Fprintf(&b, "  %s -- %s [label=%s];\n", strconv.Quote(e.A), strconv.Quote(e.B), strconv.Quote(e.label()))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func groupLabel(g Group) string {
	if g.Pod > 0 {
		return fmt.Sprintf("%s, pod %d", g.Tier, g.Pod)
	}
	return g.Tier
}

func (t *Topology) nodeIndex() map[string]*Node {
	m := make(map[string]*Node, len(t.Nodes))
	for i := range t.Nodes {
		m[t.Nodes[i].ID] = &t.Nodes[i]
	}
	return m
}

// Mermaid prints t as a Mermaid flowchart, a subgraph per tier and pod.
// Mermaid identifiers are letters, digits and underscores, so nodes are
// numbered in node order (n0, n1, …) and labelled with their names.
func (t *Topology) Mermaid() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%%% underlay graph: fabric %s\nflowchart TB\n", t.Fabric)
	ids := make(map[string]string, len(t.Nodes))
	for i, n := range t.Nodes {
		ids[n.ID] = "n" + strconv.Itoa(i)
	}
	nodes := t.nodeIndex()
	for _, g := range t.Groups {
		fmt.Fprintf(&b, "  subgraph %s [\"%s\"]\n", strings.ReplaceAll(g.ID, "-", "_"), mermaidText(groupLabel(g)))
		for _, id := range g.Nodes {
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", ids[id], mermaidText(nodes[id].label()))
		}
		b.WriteString("  end\n")
	}
	for _, e := range t.Edges {
		fmt.Fprintf(&b, "  %s ---|\"%s\"| %s\n", ids[e.A], mermaidText(e.label()), ids[e.B])
	}
	return b.Bytes()
}

// mermaidText escapes a label for a quoted Mermaid string: quotes as an
// entity, line breaks as <br/>.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", "<br/>").Replace(s)
}
