package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/verify"
	"underlay.dev/underlay/internal/verify/query"
)

type verifyOptions struct {
	failures string
	output   string
	trace    string
	rib      string
}

func newVerify() *cobra.Command {
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify FABRIC [--failures links|devices|all] [--trace DEVICE PREFIX] [--rib DEVICE]",
		Short: "Prove the fabric routes correctly: simulate BGP and check reachability and ECMP",
		Long: "verify simulates the BGP control plane the rendered configs produce (sessions, ASNs, route\n" +
			"policies, loop prevention, best path and ECMP) and checks: every session matches its other end;\n" +
			"every loopback reaches every loopback; every server subnet is reachable from every leaf and host;\n" +
			"ECMP between leaves spans every usable spine path; and the intent's spec.checks. With server\n" +
			"networks: every network's gateway is on the leaves its servers use; its subnets are reachable in\n" +
			"its VRF (over EVPN for a VRF) and from no other VRF, no tenant VRF reaches a DHCP relay server,\n" +
			"and every relay reaches its DHCP servers and back. --failures\n" +
			"re-checks under every single link and/or device failure. --trace explains one device's path to\n" +
			"a prefix; --rib prints one device's predicted RIB. Exit 0 when every check passes, 1 otherwise.",
		Args: func(cmd *cobra.Command, args []string) error {
			want := 1
			if o.trace != "" {
				want = 2
			}
			if len(args) != want {
				return usage(fmt.Errorf("want FABRIC%s, got %d argument(s)", map[bool]string{true: " and PREFIX (with --trace DEVICE)", false: ""}[want == 2], len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.failures, "failures", "", "also analyse single failures: links, devices or all")
	f.StringVarP(&o.output, "output", "o", "text", "report format: text or json")
	f.StringVar(&o.trace, "trace", "", "explain how DEVICE (or DEVICE/NEIGHBOUR, an external neighbour or group) reaches PREFIX (PREFIX is the second argument)")
	f.StringVar(&o.rib, "rib", "", "print the predicted RIB of DEVICE (or DEVICE/NEIGHBOUR: what DEVICE advertises to it)")
	return cmd
}

func runVerify(cmd *cobra.Command, args []string, o verifyOptions) error {
	failures, err := query.ParseFailures(o.failures)
	switch {
	case err != nil:
		return usage(fmt.Errorf("--failures %w", err))
	case o.output != "text" && o.output != "json":
		return usage(fmt.Errorf("-o %q: want text or json", o.output))
	}
	l, err := loadFile(args[0])
	if err != nil {
		return reportErrors(cmd, err)
	}
	w := cmd.OutOrStdout()
	f := l.Fabric
	switch {
	case o.trace != "":
		return runTrace(w, verify.NewGraph(f), o.trace, args[1])
	case o.rib != "":
		return runRIB(w, verify.NewGraph(f), o.rib, o.output)
	}
	rep := verify.Verify(f, failures.Options())
	if o.output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return failed(err)
		}
	} else {
		printReport(w, rep)
	}
	if !rep.Pass() {
		return &exitError{code: ExitFailed}
	}
	return nil
}

func runTrace(w io.Writer, g *verify.Graph, device, prefix string) error {
	p, err := query.Target(prefix)
	if err != nil {
		return usage(fmt.Errorf("PREFIX %w", err))
	}
	out, err := g.Trace(device, p)
	if err != nil {
		return failed(err)
	}
	fmt.Fprint(w, out)
	return nil
}

func runRIB(w io.Writer, g *verify.Graph, device, format string) error {
	rib, err := query.RIB(g, device)
	if err != nil {
		return failed(err)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rib)
	}
	for _, r := range rib {
		prefix := r.Prefix
		if r.VRF != "" {
			prefix = "vrf " + r.VRF + " " + prefix
		}
		if len(r.Candidates) == 0 {
			fmt.Fprintf(w, "%-22s local\n", prefix)
			continue
		}
		var via []string
		for _, nh := range r.Candidates {
			at := nh.Interface
			switch {
			case nh.EVPN:
				at = fmt.Sprintf("vtep %s (%d underlay paths)", nh.Address, nh.UnderlayPaths)
			case at == "":
				at = nh.Address // a stub's route: its own port is not in the intent
			}
			via = append(via, at+"→"+nh.Peer)
		}
		path := make([]string, len(r.ASPath))
		for i, a := range r.ASPath {
			path[i] = a.String()
		}
		// More equal paths than maximum-paths: FRR installs Width of them
		// and which depends on next-hop and arrival order.
		kofn := ""
		if !r.Exact() {
			kofn = fmt.Sprintf("%d of ", r.Width)
		}
		fmt.Fprintf(w, "%-22s via %s%s  [%s]\n", prefix, kofn, strings.Join(via, ", "), strings.Join(path, " "))
	}
	return nil
}

const maxListed = 8

func printReport(w io.Writer, r *verify.Report) {
	fmt.Fprintf(w, "fabric %s: %d devices, %d sessions, %d prefixes in %d classes", r.Fabric, r.Devices, r.Sessions, r.Prefixes, r.Classes)
	if r.Scenarios > 0 {
		fmt.Fprintf(w, ", %d failure scenarios", r.Scenarios)
	}
	fmt.Fprintf(w, " (%s)\n", r.Elapsed)
	failedChecks := 0
	for _, c := range r.Checks {
		status := "PASS"
		if !c.Pass {
			status = "FAIL"
			failedChecks++
		}
		fmt.Fprintf(w, "%s  %-24s %s\n", status, c.Name, c.Description)
		for i, f := range c.Findings {
			if i == maxListed*2 {
				fmt.Fprintf(w, "      … and %d more (use -o json for all)\n", len(c.Findings)-i)
				break
			}
			fmt.Fprintf(w, "      %s\n", findingLine(f))
		}
		for i, n := range c.Notes {
			if i == maxListed*2 {
				fmt.Fprintf(w, "      · … and %d more (use -o json for all)\n", len(c.Notes)-i)
				break
			}
			fmt.Fprintf(w, "      · %s\n", n)
		}
	}
	if failedChecks > 0 {
		fmt.Fprintf(w, "%d of %d checks failed\n", failedChecks, len(r.Checks))
		return
	}
	fmt.Fprintf(w, "all %d checks passed\n", len(r.Checks))
}

func findingLine(f verify.Finding) string {
	devs := f.Devices
	more := ""
	if len(devs) > maxListed {
		more = fmt.Sprintf(" and %d more", len(devs)-maxListed)
		devs = devs[:maxListed]
	}
	switch {
	case f.Network != "" || f.Cluster != "":
		return f.Detail // a network or cluster check's finding names its servers and devices itself
	case f.VRF != "":
		return fmt.Sprintf("vrf %s %s (%s) on %s%s: %s", f.VRF, f.Prefix, f.Origin, strings.Join(devs, ", "), more, f.Detail)
	case f.Prefix != "":
		return fmt.Sprintf("%s (%s) on %s%s: %s", f.Prefix, f.Origin, strings.Join(devs, ", "), more, f.Detail)
	}
	return f.Detail
}
