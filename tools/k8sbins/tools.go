//go:build tools

// Package k8sbins pins the real etcd and kube-apiserver that the agent's
// tests run against. hack/k8s-bins.sh builds them once into a cache.
package k8sbins

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
