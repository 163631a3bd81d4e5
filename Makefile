# underlay: the two commands of the quick start are `make demo` and `make test`.
GO ?= go
BIN := bin/underlay

.PHONY: build demo test test-short bench update-golden lint lab lab-baremetal soak serve-lab generate

build:
	$(GO) build -o $(BIN) ./cmd/underlay
	$(GO) build -o bin/underlay-agent ./cmd/underlay-agent

# Render the original demo's lab, show its summary, the diff of change #738 and a routing proof.
demo: build
	$(BIN) validate examples/seed-lab/fabric.yaml
	$(BIN) render examples/seed-lab/fabric.yaml -o out/seed-lab
	@echo
	@echo "== out/seed-lab (one directory and ConfigMap per device)"
	@find out/seed-lab -type f | sort
	@echo
	@echo "== underlay diff examples/seed-lab examples/seed-lab-update (change #738)"
	@$(BIN) diff examples/seed-lab/fabric.yaml examples/seed-lab-update/fabric.yaml
	@echo
	@echo "== underlay verify examples/unnumbered (routing proof)"
	@$(BIN) verify examples/unnumbered/fabric.yaml

# Every test, with the real checkers (vtysh, ifupdown2, yanglint) where installed.
# go test's -timeout per group of packages (each package's test binary must end
# within it): the lab packages run real fabrics and take minutes on 2 cores. Each
# lab test sets its own deadline below LAB_TIMEOUT, so a hang fails at the wait
# that hangs, naming it, and still takes its lab down; a test binary that dies
# anyway has its labs taken down by its guard process.
TIMEOUT ?= 15m
LAB_TIMEOUT ?= 30m
LAB_PKGS := ./internal/lab/...
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout $(TIMEOUT) $$($(GO) list ./... | grep -v '/internal/lab\(/\|$$\)')
	$(GO) test -count=1 -timeout $(LAB_TIMEOUT) $(LAB_PKGS)

# golangci-lint at the version pinned in hack/golangci-lint.sh (built once
# into a cache from the Go module proxy), with the rules in .golangci.yml.
lint:
	lint=$$(./hack/golangci-lint.sh) && $$lint run --allow-parallel-runners ./...

test-short:
	$(GO) test -short -timeout $(TIMEOUT) ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...
	./hack/bench.sh

# The NetworkDevice CRD and deepcopy from the kubebuilder markers in
# api/v1alpha1, at the controller-gen version the CRD's annotation names.
CONTROLLER_GEN ?= $(GO) run sigs.k8s.io/controller-tools/cmd/controller-gen@v0.21.0
generate:
	$(CONTROLLER_GEN) object paths=./api/v1alpha1/
	$(CONTROLLER_GEN) crd paths=./api/v1alpha1/ output:crd:dir=./deploy/agent/crd

update-golden:
	$(GO) test ./... -run 'Golden|Examples' -update

# The original demo's story on this machine (root): real FRR per device, a
# real kube-apiserver, an agent per device; up, change #738, revert, down.
lab: build
	KUBEBUILDER_ASSETS=$$(./hack/k8s-bins.sh) ./hack/lab-story.sh

# Issue #11's bare-metal story (root), the one TestBareMetalStory runs: a
# bonded server PXE-boots through a leaf's dhcrelay in LACP fallback, forms
# its bond, moves to a tenant network and to cleaning with one line each.
lab-baremetal: build
	KUBEBUILDER_ASSETS=$$(./hack/k8s-bins.sh) ./hack/lab-baremetal.sh

# The seed lab and its live page (root): lab up, then underlay serve on
# 127.0.0.1:8080 (LISTEN=) with the lab's admin kubeconfig until Ctrl-C,
# then lab down, also when up or serve fails. TestServeSeedLab is its test.
serve-lab: build
	KUBEBUILDER_ASSETS=$$(./hack/k8s-bins.sh) ./hack/serve-lab.sh

# The property test on many seeds (root): irregular fabrics on real FRR, each
# device's RIB against verify's. SEEDS=N runs seeds 1..N; SEEDS=3,17 reruns those.
SEEDS ?= 20
soak:
	KUBEBUILDER_ASSETS=$$(./hack/k8s-bins.sh) ./hack/soak.sh $(SEEDS)
