package gitops_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

func build(t *testing.T, dir string) []*resource.Resource {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join("..", "..", dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m.Resources()
}

func decode(t *testing.T, r *resource.Resource, into any) {
	t.Helper()
	b, err := r.AsYAML()
	if err == nil {
		err = yaml.Unmarshal(b, into)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", r.GetKind(), r.GetName(), err)
	}
}

// fluxObjects is what the test reads of deploy/flux.
type fluxObjects struct {
	repo struct {
		Spec struct {
			Verify *struct {
				Mode      string                `json:"mode"`
				SecretRef struct{ Name string } `json:"secretRef"`
			} `json:"verify"`
		} `json:"spec"`
	}
	kust struct {
		Spec struct {
			ServiceAccountName string                                 `json:"serviceAccountName"`
			TargetNamespace    string                                 `json:"targetNamespace"`
			SourceRef          struct{ Kind, Name, Namespace string } `json:"sourceRef"`
		} `json:"spec"`
	}
	ns, sa  string
	role    rbacv1.Role
	binding rbacv1.RoleBinding
}

func readFlux(t *testing.T) *fluxObjects {
	f := &fluxObjects{}
	for _, r := range build(t, "deploy/flux") {
		switch r.GetKind() {
		case "GitRepository":
			decode(t, r, &f.repo)
		case "Kustomization":
			decode(t, r, &f.kust)
			f.ns = r.GetNamespace()
		case "ServiceAccount":
			f.sa = r.GetName()
		case "Role":
			decode(t, r, &f.role)
		case "RoleBinding":
			decode(t, r, &f.binding)
		default:
			t.Errorf("deploy/flux holds a %s (%s): nothing cluster-wide belongs there", r.GetKind(), r.GetName())
		}
	}
	return f
}

// TestFluxDeliversSignedCommitsWithLeastPrivilege: deploy/flux delivers
// only signed commits, applies them as its own ServiceAccount, and that
// account's Role grants exactly what the rendered tree (with agents)
// needs, in the fabric's namespace and nowhere else.
func TestFluxDeliversSignedCommitsWithLeastPrivilege(t *testing.T) {
	f := readFlux(t)
	if v := f.repo.Spec.Verify; v == nil || !slices.Contains([]string{"HEAD", "Tag", "TagAndHEAD"}, v.Mode) || v.SecretRef.Name == "" {
		t.Errorf("GitRepository verify = %+v: want commit-signature verification (mode HEAD and a secretRef of signers' keys)", v)
	}
	k := f.kust.Spec
	if k.ServiceAccountName == "" || k.ServiceAccountName != f.sa || k.SourceRef.Namespace != "" {
		t.Errorf("Kustomization applies as %q (ServiceAccount in deploy/flux: %q), source in namespace %q: want its own account, nothing cross-namespace",
			k.ServiceAccountName, f.sa, k.SourceRef.Namespace)
	}
	tree := build(t, "examples/seed-lab/rendered")
	treeNS := tree[0].GetNamespace()
	if k.TargetNamespace != treeNS || f.ns != treeNS || f.role.Namespace != treeNS {
		t.Errorf("namespaces: Kustomization %s → %s, Role %s; the tree is in %s", f.ns, k.TargetNamespace, f.role.Namespace, treeNS)
	}
	b := f.binding
	if b.RoleRef.Kind != "Role" || b.RoleRef.Name != f.role.Name || len(b.Subjects) != 1 ||
		b.Subjects[0].Kind != "ServiceAccount" || b.Subjects[0].Name != f.sa || b.Subjects[0].Namespace != f.ns {
		t.Errorf("RoleBinding %+v does not bind Role %s to ServiceAccount %s/%s alone", b, f.role.Name, f.ns, f.sa)
	}
	need := treeNeeds(t, tree)
	granted := map[grant]bool{}
	for _, r := range f.role.Rules {
		if len(r.ResourceNames) > 0 || len(r.NonResourceURLs) > 0 {
			t.Errorf("rule %+v: want plain resource rules", r)
		}
		for _, g := range expand(r) {
			granted[g] = true
			if !need[g] {
				t.Errorf("Role grants %v, which nothing in the tree needs", g)
			}
		}
	}
	for _, g := range sortedGrants(need) {
		if !granted[g] {
			t.Errorf("the tree needs %v, which the Role does not grant", g)
		}
	}
}

type grant struct{ group, resource, verb string }

func sortedGrants(m map[grant]bool) []grant {
	out := make([]grant, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b grant) int {
		return strings.Compare(a.group+"/"+a.resource+"/"+a.verb, b.group+"/"+b.resource+"/"+b.verb)
	})
	return out
}

func expand(r rbacv1.PolicyRule) []grant {
	var out []grant
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			for _, v := range r.Verbs {
				out = append(out, grant{g, res, v})
			}
		}
	}
	return out
}

// treeNeeds is what applying and pruning the tree takes: every verb
// kustomize-controller uses on each kind it holds, and every permission
// the tree's Roles grant (Kubernetes refuses to let an account create a
// Role granting more than it holds).
func treeNeeds(t *testing.T, tree []*resource.Resource) map[grant]bool {
	plural := map[string]string{"ConfigMap": "configmaps", "ServiceAccount": "serviceaccounts", "Role": "roles",
		"RoleBinding": "rolebindings", "DaemonSet": "daemonsets", "NetworkDevice": "networkdevices"}
	need := map[grant]bool{}
	for _, r := range tree {
		res, ok := plural[r.GetKind()]
		if !ok {
			t.Fatalf("the tree holds a %s: extend this test and deploy/flux/rbac.yaml", r.GetKind())
		}
		for _, v := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
			need[grant{r.GetGvk().Group, res, v}] = true
		}
		if r.GetKind() == "Role" {
			var role rbacv1.Role
			decode(t, r, &role)
			for _, rule := range role.Rules {
				for _, g := range expand(rule) {
					need[g] = true
				}
			}
		}
	}
	return need
}
