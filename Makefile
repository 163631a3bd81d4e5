# underlay: the two commands of the quick start are `make demo` and `make test`.
GO ?= go
BIN := bin/underlay

.PHONY: build demo test test-short bench update-golden lint

build:
	$(GO) build -o $(BIN) ./cmd/underlay

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
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...
	./hack/bench.sh

update-golden:
	$(GO) test ./... -run 'Golden|Examples' -update
