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
# Several test runs (CI beside a developer's, parallel worktrees) may start
# on a fresh machine at once: one builds under an exclusive lock, the others
# wait for it and find the binaries, and each build writes its own
# temporary names, so no run moves another's half-written file.
exec 9>"$out/.lock"
flock 9
if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
	echo "$out"
	exit 0
fi
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
done
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >&2
go build -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "$tmp/etcd" "$out/etcd"
mv "$tmp/kube-apiserver" "$out/kube-apiserver"
echo "$out"
