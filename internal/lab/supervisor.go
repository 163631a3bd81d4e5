package lab

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/deploy/agent/crd"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/model"
)

// AdminKubeconfig is the lab's cluster-admin kubeconfig (lab sync uses it).
const AdminKubeconfig = "kubeconfig"

// Serve is the supervisor: it runs the API server, the NVUE emulators and
// (once asked) the agents, restarting an agent that dies as the kubelet
// would, until ctx ends; then it stops them all.
func (l *Lab) Serve(ctx context.Context, assets string) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	env, err := l.startAPIServer(assets)
	if err != nil {
		return err
	}
	defer env.Stop()
	if err := l.writeKubeconfigs(env, st); err != nil {
		return err
	}
	for _, d := range st.Devices {
		if d.Platform != string(model.PlatformNVUE) {
			continue
		}
		stop, err := l.serveNVUE(ctx, d)
		if err != nil {
			return err
		}
		defer stop()
	}
	sup := &supervisor{lab: l, state: st, log: log, agents: map[string]*agentProc{}}
	return sup.serveControl(ctx)
}

func (l *Lab) startAPIServer(assets string) (*envtest.Environment, error) {
	var def apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(crd.NetworkDevices, &def); err != nil {
		return nil, fmt.Errorf("NetworkDevice CRD: %w", err)
	}
	logf, err := os.Create(l.path("apiserver.log"))
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"apiserver", "etcd"} {
		if err := os.MkdirAll(l.path(d), 0o700); err != nil {
			return nil, err
		}
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDInstallOptions:     envtest.CRDInstallOptions{CRDs: []*apiextensionsv1.CustomResourceDefinition{&def}},
		ControlPlane: envtest.ControlPlane{
			APIServer: &envtest.APIServer{CertDir: l.path("apiserver"), Out: logf, Err: logf},
			Etcd:      &envtest.Etcd{DataDir: l.path("etcd"), Out: logf, Err: logf},
		},
	}
	if _, err := env.Start(); err != nil {
		return nil, fmt.Errorf("starting the API server (binaries from %s): %w", assets, err)
	}
	return env, nil
}

// writeKubeconfigs writes an admin kubeconfig and one per agent whose user
// is the agent's ServiceAccount, so the rendered RBAC is what applies.
func (l *Lab) writeKubeconfigs(env *envtest.Environment, st *State) error {
	admin, err := env.AddUser(envtest.User{Name: "lab-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	if err := WriteKubeconfig(admin.Config(), l.path(AdminKubeconfig)); err != nil {
		return err
	}
	for _, d := range st.Devices {
		sa := "system:serviceaccount:" + st.Namespace + ":" + gitops.AgentName(d.Name)
		u, err := env.AddUser(envtest.User{Name: sa, Groups: []string{"system:serviceaccounts",
			"system:serviceaccounts:" + st.Namespace, "system:authenticated"}}, nil)
		if err != nil {
			return err
		}
		if err := WriteKubeconfig(u.Config(), l.path("devices", d.Name, "kubeconfig")); err != nil {
			return err
		}
	}
	return nil
}

// WriteKubeconfig writes a kubeconfig for cfg (server, CA and client
// credentials) to path.
func WriteKubeconfig(cfg *rest.Config, path string) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["lab"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["user"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["lab"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: "user"}
	kc.CurrentContext = "lab"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return clientcmd.WriteToFile(*kc, path)
}
