package resolve_test

import (
	"strings"
	"testing"
)

// hostileK8s is k8sBase with every cluster field written out (a
// dual-stack cluster, so its network is dual-stack too).
var hostileK8s = replace(k8sBase,
	"linkIPv4: 10.0.0.0/24\n", "linkIPv4: 10.0.0.0/24\n    linkIPv6: \"fd00:ff::/64\"\n",
	`{name: k8s, pool: 10.1.0.0/16}`, `{name: k8s, pool: 10.1.0.0/16, poolV6: "fd00:1::/48", prefixLengthV6: 64}`,
	`{name: prod, cni: calico, network: k8s, racks: [leaf1, leaf2], podCIDRs: [10.244.0.0/16], services: {cluster: [10.96.0.0/12]}}`,
	`{name: prod, cni: frr-k8s, peering: listen, network: k8s, racks: [leaf1, leaf2], nodes: [n1], export: fabric, asn: {model: per-cluster, cluster: "64512"}, podCIDRs: [10.244.0.0/16, "fd00:244::/56"], blockSize: 26, blockSizeV6: 64, services: {cluster: [10.96.0.0/12], external: [192.0.2.0/24], loadBalancer: [198.51.100.0/24]}, bgp: {keepalive: 3, hold: 9, gracefulRestart: false, bfd: true, maxPrefixes: 100}}`)

// TestHostileClusterValues puts every hostile value in place of every
// scalar of the clusters and of a lock's node ASNs, one at a time. Each
// must resolve, or fail with errors that are each on a line of the intent
// or the lock; none may panic.
func TestHostileClusterValues(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of intents")
	}
	if _, errs := loadFiles(t, hostileK8s, ""); errs != nil {
		t.Fatalf("the base is invalid: %v", errs)
	}
	lock := "apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\nnodeASNs:\n  edge/r1: 4210000005\n"
	n := 0
	for _, target := range []string{"fabric", "lock"} {
		src := map[string]string{"fabric": hostileK8s, "lock": lock}[target]
		lines := strings.Split(src, "\n")
		for i, line := range lines {
			if target == "fabric" && !strings.Contains(line, "cni: ") || target == "lock" && !strings.Contains(line, "edge/") {
				continue
			}
			for _, loc := range netScalar.FindAllStringSubmatchIndex(line, -1) {
				for _, h := range hostileValues {
					changed := append([]string{}, lines...)
					changed[i] = line[:loc[4]] + h + line[loc[5]:]
					fabric, l := strings.Join(changed, "\n"), lock
					if target == "lock" {
						fabric, l = hostileK8s, strings.Join(changed, "\n")
					}
					n++
					if problem := hostileProblem(t, fabric, l); problem != "" {
						t.Errorf("%s line %d as %q: %s", target, i+1, h, problem)
					}
				}
			}
		}
	}
	if n < 1200 { // 30 scalars x the hostile values
		t.Fatalf("only %d mutants: the scalar pattern lost the file's values", n)
	}
	t.Logf("%d hostile intents and locks: each valid or located errors", n)
}
