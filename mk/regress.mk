# cargo-insta, for reviewing nbe's pending snapshots (`cargo insta review` works on snapshots/**/*.snap.new as on Rust tests').
#
# Included by the top Makefile. The cargo-insta version matches the insta dev-dependency; it is
# pinned in tools.versions (fallback below, so this fragment also works on its own).

CARGO_INSTA_VERSION ?= 1.49.0
REGRESS_TOOLS := $(CURDIR)/.tools

.PHONY: cargo-insta

# Idempotent: installs only when .tools/bin/cargo-insta is missing or another version.
cargo-insta:
	@if [ "$$($(REGRESS_TOOLS)/bin/cargo-insta --version 2>/dev/null)" = "cargo-insta $(CARGO_INSTA_VERSION)" ]; then \
		echo "cargo-insta $(CARGO_INSTA_VERSION) is installed in $(REGRESS_TOOLS)/bin"; \
	else \
		cargo install cargo-insta --locked --version $(CARGO_INSTA_VERSION) --root $(REGRESS_TOOLS); \
	fi
