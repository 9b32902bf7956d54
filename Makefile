# nbe's set-up and checks. Two entry points do everything on a fresh machine:
#   make run    builds nbe, installs the pinned NATS tools, runs topologies/supercluster-arbiter
#   make test   the whole suite (what CI runs through .ci/run)

include tools.versions

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

.PHONY: all run test tools build unit lint examples-test bench clean-tools

all: build tools

# The real binaries, from the Go module proxy, pinned in tools.versions. A stamp per version makes
# this a no-op once the pinned versions are installed, and a version bump reinstalls.
tools: $(STAMPS)/nats-server-$(NATS_SERVER_VERSION) $(STAMPS)/nats-$(NATSCLI_VERSION)

$(STAMPS)/nats-server-$(NATS_SERVER_VERSION):
	@mkdir -p $(TOOLS_BIN) $(STAMPS)
	GOBIN=$(TOOLS_BIN) GOFLAGS=-buildvcs=false go install $(NATS_SERVER_MODULE)@$(NATS_SERVER_VERSION)
	@rm -f $(STAMPS)/nats-server-* && touch $@

$(STAMPS)/nats-$(NATSCLI_VERSION):
	@mkdir -p $(TOOLS_BIN) $(STAMPS)
	GOBIN=$(TOOLS_BIN) GOFLAGS=-buildvcs=false go install $(NATSCLI_MODULE)@$(NATSCLI_VERSION)
	@rm -f $(STAMPS)/nats-v* && touch $@

build:
	cargo build --locked

run: build tools
	$(NBE) run topologies/supercluster-arbiter

lint:
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings

unit: build tools cargo-insta
	cargo test --locked

# Every shipped example against its snapshot (CI=true: nothing is written), then the recordings.
examples-test: build tools
	$(NBE) test --repeat 2
	$(NBE) check

test: lint unit examples-test browser-test
	@echo "make test: all checks passed"

# Benchmarks with written-down results in docs/PERFORMANCE.md (release build; a quiet machine helps).
bench: tools
	cargo build --locked --release
	python3 bench/harness.py messaging/publish-subscribe 15
	bench/parallel.sh 2 1 2 4 6 8
	cargo bench --locked --bench normalize

clean-tools:
	rm -rf $(TOOLS)
