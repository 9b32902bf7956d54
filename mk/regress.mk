# cargo-insta, for reviewing nbe's pending snapshots (`cargo insta review` works on snapshots/**/*.snap.new as on Rust tests').
#
# Included by the top Makefile, after it read tools.versions (CARGO_INSTA_VERSION, which matches the
# insta dev-dependency) and set TOOLS and TOOLS_BIN.

.PHONY: cargo-insta

# Idempotent: installs only when $(TOOLS_BIN)/cargo-insta is missing or another version.
cargo-insta:
	@if [ "$$($(TOOLS_BIN)/cargo-insta --version 2>/dev/null)" = "cargo-insta $(CARGO_INSTA_VERSION)" ]; then \
		echo "cargo-insta $(CARGO_INSTA_VERSION) is installed in $(TOOLS_BIN)"; \
	else \
		cargo install cargo-insta --locked --version $(CARGO_INSTA_VERSION) --root $(TOOLS); \
	fi
