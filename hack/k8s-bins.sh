#!/usr/bin/env bash
# Builds the real etcd and kube-apiserver pinned in tools/k8sbins into a
# cache keyed by version, and prints the directory (use it as
# KUBEBUILDER_ASSETS). A fresh machine builds once (~4 min, ~2 GB of
# memory); later runs return at once.
set -euo pipefail
cd "$(dirname "$0")/../tools/k8sbins"
k8s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
minor=$(echo "$k8s" | cut -d. -f2)
out=${UNDERLAY_K8S_BINS:-${XDG_CACHE_HOME:-$HOME/.cache}/underlay/k8s-$k8s-etcd-$etcd}
if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$out"
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
done
go build -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
go build -ldflags "$ldflags" -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "$out/etcd.tmp" "$out/etcd"
mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
echo "$out"
