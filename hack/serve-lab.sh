#!/usr/bin/env bash
# The seed lab and its live page (make serve-lab): lab up, then underlay
# serve with the lab's admin kubeconfig until Ctrl-C, then lab down.
# Needs root, FRR and the Kubernetes test binaries (hack/k8s-bins.sh).
#
# lab down runs on every way out. A plain `serve; lab down` recipe never
# reached lab down: Ctrl-C signals the whole foreground group, and the
# shell between make and serve died of it, leaving the lab running. Here
# the shell traps SIGINT, waits for serve to stop (it stops on SIGINT),
# then exits through the EXIT trap.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${LAB_DIR:-/var/lib/underlay-lab}
LISTEN=${LISTEN:-127.0.0.1:8080}
U=(bin/underlay lab --dir "$DIR")

trap '"${U[@]}" down' EXIT
trap 'exit 130' INT TERM
"${U[@]}" up examples/seed-lab/fabric.yaml
printf '\nopen http://%s/ (Ctrl-C stops the page and takes the lab down)\n' "$LISTEN"
bin/underlay serve examples/seed-lab --kubeconfig "$DIR/kubeconfig" --listen "$LISTEN"
