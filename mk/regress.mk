# Regression checks: nbe test / nbe check over the shipped examples, and cargo-insta for reviewing
# nbe's pending snapshots (`cargo insta review` works on snapshots/**/*.snap.new as on Rust tests').
#
# Included by the top Makefile. The cargo-insta version matches the insta dev-dependency; it is
# pinned in tools.versions (fallback below, so this fragment also works on its own).

CARGO_INSTA_VERSION ?= 1.49.0
REGRESS_TOOLS := $(CURDIR)/.tools
REGRESS_NBE ?= cargo run --quiet --bin nbe --

.PHONY: cargo-insta regress-test regress-check

# Idempotent: installs only when .tools/bin/cargo-insta is missing or another version.
cargo-insta:
	@if [ "$$($(REGRESS_TOOLS)/bin/cargo-insta --version 2>/dev/null)" = "cargo-insta $(CARGO_INSTA_VERSION)" ]; then \
		echo "cargo-insta $(CARGO_INSTA_VERSION) is installed in $(REGRESS_TOOLS)/bin"; \
	else \
		cargo install cargo-insta --locked --version $(CARGO_INSTA_VERSION) --root $(REGRESS_TOOLS); \
	fi

# Runs every example and compares it with its snapshot (CI=true: writes nothing).
regress-test:
	$(REGRESS_NBE) test

# Verifies recordings and snapshots without running anything.
regress-check:
	$(REGRESS_NBE) check
