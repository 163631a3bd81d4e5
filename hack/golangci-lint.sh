#!/usr/bin/env bash
# Builds golangci-lint at the version pinned here from the Go module proxy
# into a cache keyed by that version and the Go toolchain (a linter built by
# an older Go cannot load packages for a newer one), and prints the binary's
# path. A fresh machine builds once (~3 min); later runs return at once.
set -euo pipefail
version=v2.15.0
gover=$(go env GOVERSION)
out=${UNDERLAY_LINT_BINS:-${XDG_CACHE_HOME:-$HOME/.cache}/underlay/golangci-lint-$version-$gover}
if [ -x "$out/golangci-lint" ]; then
	echo "$out/golangci-lint"
	exit 0
fi
# A build directory of its own, so builds started at once (parallel
# worktrees, CI jobs) never move each other's half-built binary; the last
# rename wins and every one is the same version.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Outside any module, so the repository's go.mod neither pins nor records
# the linter's dependencies.
(cd "$tmp" && GOBIN="$tmp" GOTOOLCHAIN=local go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version") >&2
mkdir -p "$out"
mv -f "$tmp/golangci-lint" "$out/golangci-lint"
echo "$out/golangci-lint"
