// The server versions a client was verified on, as a reader sees them: the repository's catalog
// with its saved matrix results (snapshots/<category>/<example>/verified.toml, written by
// `nbe test --server-version A,B --save`) built into a temp dir and opened from file:// in
// Debian's headless Chromium, at desktop and phone widths.
//
// Run it with `NBE=target/debug/nbe node --test tests/browser/verified.test.mjs`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NBE = path.resolve(ROOT, process.env.NBE ?? "target/debug/nbe");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

let scratch;
let site;
let browser;

// The first client page whose example has a verified file: the one the test looks at.
function pageWithResults() {
  const snapshots = path.join(ROOT, "snapshots");
  for (const category of fs.readdirSync(snapshots).sort()) {
    const dir = path.join(snapshots, category);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const example of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, example, "verified.toml");
      if (!fs.existsSync(file)) continue;
      const client = fs.readFileSync(file, "utf8").match(/^\[([a-z]+)\]$/m);
      if (client) return `${category}/${example}/${client[1]}/index.html`;
    }
  }
  return null;
}

before(async () => {
  assert.ok(fs.existsSync(NBE), `${NBE} is missing: run cargo build`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run make chromium`);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nbe-verified-"));
  site = path.join(scratch, "site");
  execFileSync(NBE, ["--root", ROOT, "build", "--output", site], { stdio: "pipe" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

for (const [name, viewport] of [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
]) {
  test(`a page says which nats-server versions its client was verified on (${name})`, async () => {
    const target = pageWithResults();
    assert.ok(target, "the catalog has saved matrix results (snapshots/**/verified.toml)");
    const page = await browser.newPage({ viewport });
    await page.goto(`file://${path.join(site, target)}`);
    const servers = page.locator("dl.provenance dt", { hasText: "Servers" });
    await servers.scrollIntoViewIfNeeded();
    assert.ok(await servers.isVisible(), `the Servers line is visible on ${target}`);
    const said = page.locator("dl.provenance dt:has-text('Servers') + dd");
    assert.ok(await said.isVisible());
    assert.match(await said.textContent(), /^(Verified on|Fails on) nats-server v\d+\.\d+\.\d+/);
    // It fits the page: no sideways scrolling at either width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await page.close();
  });
}
