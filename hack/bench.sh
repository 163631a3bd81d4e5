#!/usr/bin/env bash
# Reproducible end-to-end timings of the CLI with peak memory (GNU time):
#   render: validate + render to disk, 200 devices (8 spines x 192 leaves),
#           the same with 40 bare-metal servers per leaf (7,680, #11),
#           and 10,000 devices (5-stage: 16 superspines, 64 pods x (4 + 152));
#   verify: all checks at 200, ~2,000 and 10,000 devices, and every single
#           link and device failure at 200.
# BENCH_DIR picks where trees are written (file creation speed is the
# file system's: compare a disk with /dev/shm).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/underlay}
base=${BENCH_DIR:-out}
mkdir -p "$base"
work=$(mktemp -d "$base/bench.XXXXXX")
trace() { rm -rf "$work"; }
trap trace EXIT

timed() { # label, command...
	local label=$1
	shift
	/usr/bin/time -f "$label: %e s wall, %M KiB peak RSS" "$@" >/dev/null
}

"$bin" gen clos --spines 8 --leaves 192 >"$work/c200.yaml"
"$bin" gen clos --spines 8 --leaves 192 --servers-per-leaf 40 >"$work/s200.yaml"
"$bin" gen clos --superspines 16 --pods 13 --spines 4 --leaves 148 >"$work/c2000.yaml"
"$bin" gen clos --superspines 16 --pods 64 --spines 4 --leaves 152 >"$work/c10000.yaml"

timed "render 200 devices (601 files) into $base" "$bin" render -q "$work/c200.yaml" -o "$work/r200"
timed "render 200 devices with 7680 servers into $base" "$bin" render -q "$work/s200.yaml" -o "$work/s200" ||
	echo "render 200 devices with 7680 servers: failed (until every renderer renders servers, #11)"
timed "render 10000 devices (30001 files) into $base" "$bin" render -q "$work/c10000.yaml" -o "$work/r10000"
timed "verify 200 devices" "$bin" verify "$work/c200.yaml"
timed "verify 2000 devices" "$bin" verify "$work/c2000.yaml"
timed "verify 10000 devices" "$bin" verify "$work/c10000.yaml"
timed "verify 200 devices, every single link and device failure" "$bin" verify "$work/c200.yaml" --failures all || true
