package cli

import (
	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/gen"
)

func newGen() *cobra.Command {
	g := &cobra.Command{Use: "gen", Short: "Generate intents for standard fabrics"}
	var c gen.Clos
	clos := &cobra.Command{
		Use:   "clos --spines N --leaves M",
		Short: "Print a valid intent for a 3- or 5-stage Clos",
		Long: "clos prints an intent for a leaf-spine fabric: every leaf to every spine, a server subnet per\n" +
			"leaf, optional linux-frr hosts and bare-metal servers per leaf (the servers half bonded, on\n" +
			"Ironic's provisioning, cleaning and inspection networks relayed to a DHCP server, two tenant\n" +
			"networks in VRFs of their own and a plain servers network). With --superspines and --pods it is 5-stage and\n" +
			"--spines/--leaves count per pod: --superspines 16 --pods 64 --spines 4 --leaves 152 is a\n" +
			"10,000-device fabric. Values are allocated from pools when the intent is rendered.\n\n" +
			gen.LimitsHelp(),
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := c.Validate(); err != nil {
				return usage(err)
			}
			return c.Write(cmd.OutOrStdout())
		},
	}
	f := clos.Flags()
	f.IntVar(&c.Spines, "spines", 2, "spines (per pod with --pods)")
	f.IntVar(&c.Leaves, "leaves", 4, "leaves (per pod with --pods)")
	f.IntVar(&c.HostsPerLeaf, "hosts-per-leaf", 0, "linux-frr hosts behind each leaf")
	f.IntVar(&c.ServersPerLeaf, "servers-per-leaf", 0, "bare-metal servers on each leaf, half on LACP bonds, on six networks")
	f.StringVar(&c.Cluster, "cluster", "", "make every server a node of one Kubernetes cluster with this CNI (calico, cilium, frr-k8s)")
	f.IntVar(&c.Superspines, "superspines", 0, "superspines (5-stage; needs --pods)")
	f.IntVar(&c.Pods, "pods", 0, "pods (5-stage; needs --superspines)")
	f.BoolVar(&c.Unnumbered, "unnumbered", false, "BGP unnumbered links (IPv6 link-local) instead of /31s")
	f.StringVar(&c.Name, "name", "fabric", "fabric name")
	f.StringVar(&c.Platform, "platform", "cumulus", "platform of leaves and spines: cumulus, nvue or sonic")
	f.StringVar(&c.SpinePlatform, "spine-platform", "", "platform of spines and superspines (default: --platform)")
	g.AddCommand(clos)
	return g
}
