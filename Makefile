# nbe's set-up and checks. Two entry points do everything on a fresh machine:
#   make run    builds nbe, installs the pinned NATS tools, runs topologies/supercluster-arbiter
#   make test   the whole suite (what CI runs through .ci/run)

include tools.versions

# `make` alone builds nbe and installs the tools (the included fragments define targets too).
.DEFAULT_GOAL := all

SHELL := /bin/bash
# Everything `make tools` and `make cargo-insta` install, and their stamps; the mk fragments use these names.
TOOLS := $(CURDIR)/.tools
TOOLS_BIN := $(TOOLS)/bin
STAMPS := $(TOOLS)/stamps
NBE := $(CURDIR)/target/debug/nbe
export NBE_TOOLS_DIR := $(TOOLS_BIN)

include mk/regress.mk
include mk/site.mk
include mk/normalize.mk
include mk/toolchains.mk

.PHONY: all run test tools build unit lint workflow-lint install-check examples-test bench bump clean-tools

all: build tools

# The pinned nats-server and nats (tools.versions, which nbe embeds), installed by nbe itself into
# its cache (NBE_CACHE_DIR, else ~/.cache/nbe): once per machine and shared by every checkout, each
# binary verified by its version and a stamp of its content hash (`nbe install-tools`), then copied
# into .tools/bin, where the suite and `make run` look for them. Warm, it only checks the stamps.
tools: build
	$(NBE) install-tools --into $(TOOLS_BIN)

# Used by the mk fragments: a stamp rule whose binary is missing always runs.
.PHONY: FORCE
FORCE:

build:
	cargo build --locked

run: build tools toolchains
	$(NBE) run topologies/supercluster-arbiter

# actionlint into .tools/bin at the pinned version (a stamp per version, like the toolchains), and
# the workflow checked with it: GitHub Actions cannot run here, so this is what checks the file.
$(STAMPS)/actionlint@$(ACTIONLINT_VERSION): $(if $(wildcard $(TOOLS_BIN)/actionlint),,FORCE)
	@mkdir -p $(TOOLS_BIN) $(STAMPS)
	@if $(TOOLS_BIN)/actionlint -version 2>/dev/null | grep -qxF -- '$(ACTIONLINT_VERSION)'; then \
		echo "actionlint $(ACTIONLINT_VERSION) is installed in $(TOOLS_BIN)"; \
	else \
		echo "GOBIN=$(TOOLS_BIN) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)"; \
		GOBIN=$(TOOLS_BIN) GOFLAGS=-buildvcs=false go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); \
	fi
	@rm -f $(STAMPS)/actionlint@* && touch $@

workflow-lint: $(STAMPS)/actionlint@$(ACTIONLINT_VERSION)
	$(TOOLS_BIN)/actionlint

# The fuzz crate is its own workspace: checking it here keeps it from rotting unseen.
lint: player-check workflow-lint
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings
	cargo check --locked --manifest-path fuzz/Cargo.toml --target-dir target/fuzz

unit: build tools toolchains cargo-insta
	cargo test --locked

# Every shipped example linted (nothing runs), then run against its snapshot, then the recordings.
# A mismatch writes a pending .snap.new locally, as insta does; with CI set (CI providers set it)
# nothing is written.
examples-test: build tools toolchains
	$(NBE) lint
	$(NBE) test --repeat 2
	$(NBE) check

# An nbe from `cargo install` into an empty prefix runs examples in a checkout with nothing of this
# repository's and builds its site (mk/install-check.sh says how; INSTALL_CHECK_REPO picks the
# examples repository, INSTALL_CHECK_CACHE the cache, kept under target/ between local runs).
install-check: build
	mk/install-check.sh

test: lint unit examples-test install-check browser-test
	@echo "make test: all checks passed"

# Every table in docs/PERFORMANCE.md, in the order it shows them (release build; a quiet machine
# helps, and the document says how loaded the machine was for each result); bench/stress.sh loads
# every core itself and exits 1 on a failure or a flake.
bench: tools toolchains
	cargo build --locked --release
	python3 bench/harness.py messaging/publish-subscribe 15
	bench/parallel.sh 2 1 2 4 6 8
	bench/schedule.sh 8
	bench/check.sh 100
	cargo bench --locked --bench normalize
	bench/site.sh 100 1
	bench/site.sh 120 3
	bench/site.sh 300 3
	python3 bench/clients.py messaging/publish-subscribe
	bench/stress.sh 2 5

# Moves the pinned versions in one step, like make bump ARGS="--server v2.15.3 --client go=v1.56.0":
# nbe set-versions writes tools.versions and clients/<kind>/ and re-runs the catalog on the new
# versions (changed outputs become pending snapshots to review); then nbe is rebuilt, since it embeds
# tools.versions, and the new tools are installed. The exit status is set-versions'. The sub-make has
# a line of its own: make runs a line naming $(MAKE) even under `make -n`.
bump: build tools toolchains
	@mkdir -p $(STAMPS)
	$(NBE) set-versions $(ARGS); echo $$? > $(STAMPS)/bump.status
	cargo build --locked
	$(MAKE) tools
	@exit $$(cat $(STAMPS)/bump.status)

clean-tools:
	rm -rf $(TOOLS)
