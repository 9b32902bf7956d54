# The docs site: browser assets from npm, Debian's Chromium, and the browser tests.
# Included from the top-level Makefile, whose `build` target builds nbe.
#
#   make node_modules   npm ci (the asciinema player and playwright-core), once per lockfile change
#   make player         copies the locked asciinema player into src/site/assets/player (nbe embeds it)
#   make player-check   fails while the embedded player differs from what the lockfile installs
#   make chromium       Debian's chromium at /usr/bin/chromium, when it is missing (needs root)
#   make site           nbe build into site/
#   make browser-test   the site in headless Chromium; screenshots in target/browser-artifacts/
#   make site-screenshots  the pictures docs/SITE.md shows, into docs/site/ (pngquant, from
#                       apt, cuts them to a palette, so they stay small in the repository)

NODE_STAMP := node_modules/.nbe-npm-ci

.PHONY: node_modules chromium site browser-test player player-check site-screenshots

node_modules: $(NODE_STAMP)

# playwright-core never downloads a browser by itself; the variable says so to anything that might.
$(NODE_STAMP): package.json package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

# The player's files are committed (see src/site/assets/player/README.md) so that `cargo install`
# needs no npm; these keep them equal to the lockfile's version.
PLAYER_NPM := node_modules/asciinema-player
PLAYER_SRC := src/site/assets/player
PLAYER_FILES := dist/bundle/asciinema-player.min.js dist/bundle/asciinema-player.css LICENSE

player: node_modules
	cp $(addprefix $(PLAYER_NPM)/,$(PLAYER_FILES)) $(PLAYER_SRC)/
	node -p 'require("./$(PLAYER_NPM)/package.json").version' > $(PLAYER_SRC)/VERSION

player-check: node_modules
	@for file in $(PLAYER_FILES); do \
		cmp -s $(PLAYER_NPM)/$$file $(PLAYER_SRC)/$${file##*/} || \
			{ echo "$(PLAYER_SRC)/$${file##*/} differs from $(PLAYER_NPM)/$$file: run make player"; exit 1; }; \
	done
	@test "$$(node -p 'require("./$(PLAYER_NPM)/package.json").version')" = "$$(cat $(PLAYER_SRC)/VERSION)" || \
		{ echo "$(PLAYER_SRC)/VERSION is not the locked version: run make player"; exit 1; }
	@echo "the embedded player is asciinema-player $$(cat $(PLAYER_SRC)/VERSION), as the lockfile locks"

chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

site: node_modules build
	$(NBE) build

browser-test: node_modules chromium build
	NBE=$(NBE) node --test --test-timeout=180000 tests/browser/*.test.mjs

site-screenshots: node_modules chromium build
	NBE_SITE_SCREENSHOTS=1 NBE=$(NBE) node --test --test-timeout=180000 --test-name-pattern="screenshots" tests/browser/site.test.mjs
	pngquant --force --ext .png --quality 70-90 --speed 1 docs/site/*.png
