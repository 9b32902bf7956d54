# Toolchains the client kinds need beyond what the machine brings (Go, Rust, Node come with it):
#   make toolchains   Debian's libnats-dev (C clients), Maven and a JDK when missing (Java clients),
#                     uv from PyPI (Python clients) and deno from npm (Deno clients) into .tools.
# Idempotent: each part is skipped once present; uv and deno have a stamp per pinned version
# (tools.versions), so a version bump reinstalls. nbe skips a kind whose toolchain is missing and
# names this target as the fix.

.PHONY: toolchains debian-toolchains

toolchains: debian-toolchains $(STAMPS)/uv@$(UV_VERSION) $(STAMPS)/deno@$(DENO_VERSION)

# apt-get needs root (CI runs as root); without it, the message says what to install.
APT_INSTALL := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)
debian-toolchains:
	@missing=""; \
	[ -f /usr/include/nats/nats.h ] || missing="$$missing libnats-dev"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v javac >/dev/null || missing="$$missing default-jdk-headless"; \
	if [ -n "$$missing" ]; then \
		echo "$(APT_INSTALL) install -y$$missing"; \
		$(APT_INSTALL) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_INSTALL) install -y -qq $$missing; \
	else \
		echo "libnats-dev, maven and a JDK are installed"; \
	fi

$(STAMPS)/uv@$(UV_VERSION): $(if $(wildcard $(TOOLS_BIN)/uv),,FORCE)
	@mkdir -p $(TOOLS_BIN) $(STAMPS)
	@if $(TOOLS_BIN)/uv --version 2>/dev/null | grep -qwF -- '$(UV_VERSION)'; then \
		echo "uv $(UV_VERSION) is installed in $(TOOLS_BIN)"; \
	else \
		echo "python3 -m pip install --target $(TOOLS)/uv uv==$(UV_VERSION)"; \
		rm -rf $(TOOLS)/uv && python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(TOOLS)/uv uv==$(UV_VERSION) && \
		ln -sf ../uv/bin/uv $(TOOLS_BIN)/uv; \
	fi
	@rm -f $(STAMPS)/uv@* && touch $@

$(STAMPS)/deno@$(DENO_VERSION): $(if $(wildcard $(TOOLS_BIN)/deno),,FORCE)
	@mkdir -p $(TOOLS_BIN) $(STAMPS)
	@if $(TOOLS_BIN)/deno --version 2>/dev/null | grep -qwF -- '$(DENO_VERSION)'; then \
		echo "deno $(DENO_VERSION) is installed in $(TOOLS_BIN)"; \
	else \
		echo "npm install --prefix $(TOOLS)/deno deno@$(DENO_VERSION)"; \
		rm -rf $(TOOLS)/deno && npm install --silent --no-fund --no-audit --prefix $(TOOLS)/deno deno@$(DENO_VERSION) && \
		ln -sf ../deno/node_modules/deno/deno $(TOOLS_BIN)/deno; \
	fi
	@rm -f $(STAMPS)/deno@* && touch $@
