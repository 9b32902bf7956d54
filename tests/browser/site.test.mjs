// The docs site in a real browser: Debian's headless Chromium driven by playwright-core.
//
// Builds the site from the repository's examples into a temp dir, serves the same repository with
// `nbe serve` on a free port, and walks the pages a reader would: the index and its search, the
// supercluster-arbiter page, a language tab, the copy button and the recording player. Screenshots
// at desktop and phone widths land in target/browser-artifacts/.
//
// Run it with `make browser-test`, or `NBE=target/debug/nbe node --test tests/browser/site.test.mjs`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NBE = path.resolve(ROOT, process.env.NBE ?? "target/debug/nbe");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, "target/browser-artifacts");
const EXAMPLE = "topologies/supercluster-arbiter";

// Chromium as the test needs it: headless, sandbox-free (root in a container), and quiet on the
// network: nothing but the local server is ever contacted.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let scratch;
let repo;
let server;
let base;
let context;

// A copy of the repository's examples with one extra, test-only Python client, so the example has
// two languages to switch between; the player files are copied from the repository's node_modules.
function prepareRepo() {
  repo = path.join(scratch, "repo");
  fs.cpSync(path.join(ROOT, "examples"), path.join(repo, "examples"), { recursive: true });
  if (fs.existsSync(path.join(ROOT, "snapshots"))) {
    fs.cpSync(path.join(ROOT, "snapshots"), path.join(repo, "snapshots"), { recursive: true });
  }
  // Copied, not linked: nbe publishes no file that resolves outside the repository.
  fs.cpSync(
    path.join(ROOT, "node_modules", "asciinema-player"),
    path.join(repo, "node_modules", "asciinema-player"),
    { recursive: true },
  );
  const python = path.join(repo, "examples", EXAMPLE, "python");
  if (!fs.existsSync(python)) {
    fs.mkdirSync(python);
    fs.writeFileSync(
      path.join(python, "main.py"),
      "# A stand-in client that only the browser test adds, to have a second tab.\nprint('hello')\n",
    );
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(NBE, ["--root", repo, "serve", "--addr", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    server.on("error", reject);
    server.on("exit", (code) => reject(new Error(`nbe serve exited with ${code}`)));
    const lines = createInterface({ input: server.stdout });
    lines.once("line", (line) => {
      const match = line.match(/http:\/\/[^ ]+\//);
      if (match) {
        resolve(match[0]);
      } else {
        reject(new Error(`unexpected first line from nbe serve: ${line}`));
      }
    });
  });
}

before(async () => {
  assert.ok(fs.existsSync(NBE), `${NBE} is missing: run cargo build (make browser-test does)`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run make chromium`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nbe-browser-"));
  prepareRepo();
  base = await startServer();
  context = await chromium.launchPersistentContext(path.join(scratch, "profile"), {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners("exit");
    server.kill();
  }
  if (scratch) {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test("nbe build writes the same pages nbe serve shows", () => {
  const out = path.join(scratch, "built");
  execFileSync(NBE, ["--root", repo, "build", "--output", out], { stdio: "pipe" });
  const page = path.join(out, EXAMPLE, "cli/index.html");
  assert.ok(fs.existsSync(page), "the CLI page is built");
  assert.ok(fs.existsSync(path.join(out, "assets/asciinema-player.min.js")), "the player is copied");
  assert.ok(fs.existsSync(path.join(out, ".nbe-site")), "the marker is written");
});

test("the built site works from file:// without a server", async () => {
  const out = path.join(scratch, "built");
  if (!fs.existsSync(path.join(out, "index.html"))) {
    execFileSync(NBE, ["--root", repo, "build", "--output", out], { stdio: "pipe" });
  }
  const page = await context.newPage();
  await page.goto(`file://${out}/index.html`);
  assert.match(await page.title(), /NATS examples/);
  await page.locator("form.search input").fill("arbiter");
  const result = page.locator(".results a").first();
  await result.waitFor();
  await result.click();
  await page.waitForURL(/^file:.*supercluster-arbiter/);
  assert.ok((await page.locator("pre.code span.k").count()) > 0, "code is highlighted");
  await page.close();
});

test("the index lists categories and finds examples", async () => {
  const page = await context.newPage();
  await page.goto(base);
  assert.match(await page.title(), /NATS examples/);
  const categories = await page.locator("section.category h2").allTextContents();
  assert.ok(categories.includes("Topologies"), `categories: ${categories}`);
  await page.locator("form.search input").fill("arbiter");
  const result = page.locator(".results a").first();
  await result.waitFor();
  assert.match(await result.textContent(), /Arbiter/);
  await page.screenshot({ path: path.join(ARTIFACTS, "index-1280.png"), fullPage: false });
  await page.close();
});

test("the example page: tabs, copy button, recording", async () => {
  const page = await context.newPage();
  await page.goto(new URL(`${EXAMPLE}/cli/index.html`, base).href);
  assert.match(await page.title(), /Supercluster Arbiter in CLI/);

  // Only the languages the example has get a tab (this one has no Go client).
  assert.equal(await page.locator("nav.tabs li", { hasText: "Go" }).count(), 0, "no Go tab");
  await page.locator("nav.tabs a", { hasText: "Python" }).click();
  await page.waitForURL(/\/python\/index\.html$/);
  assert.equal(await page.locator('nav.tabs a[aria-current="page"]').textContent(), "Python");
  await page.locator("nav.tabs a", { hasText: "CLI" }).click();
  await page.waitForURL(/\/cli\/index\.html$/);

  // The copy button puts the run command on the clipboard and says so.
  const button = page.locator("button.copy");
  await button.click();
  await page.waitForFunction(() => document.querySelector("button.copy").textContent === "Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `nbe run ${EXAMPLE}/cli`);

  // Prose sits beside highlighted code.
  assert.ok((await page.locator(".step .prose p").count()) > 3, "comments became prose");
  assert.ok((await page.locator("pre.code span.k").count()) > 0, "code is highlighted");

  // The player replaces the fallback text, starts, and draws the recorded terminal.
  const player = page.locator(".player .ap-player");
  await player.waitFor({ timeout: 15000 });
  await page.locator(".player").scrollIntoViewIfNeeded();
  await player.click();
  await page.waitForFunction(
    () => (document.querySelector(".player .ap-term")?.textContent ?? "").trim().length > 0,
    null,
    { timeout: 15000 },
  );
  await page.locator("#code").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS, "example-1280.png"), fullPage: true });
  await page.close();
});

test("the example page fits a 360 px phone", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(new URL(`${EXAMPLE}/cli/index.html`, base).href);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  const columns = await page.evaluate(() => getComputedStyle(document.querySelector(".step")).display);
  assert.notEqual(columns, "grid", "prose and code are stacked on phones");
  await page.screenshot({ path: path.join(ARTIFACTS, "example-360.png"), fullPage: false });
  await page.close();
});

test("j and k move between examples", async () => {
  const page = await context.newPage();
  await page.goto(new URL(`${EXAMPLE}/cli/index.html`, base).href);
  for (const [key, rel] of [["k", "prev"], ["j", "next"]]) {
    const link = page.locator(`link[rel="${rel}"]`);
    if ((await link.count()) === 0) {
      continue;
    }
    const expected = new URL(await link.getAttribute("href"), page.url()).href;
    await page.keyboard.press(key);
    await page.waitForURL(expected);
    await page.goBack();
  }
  await page.close();
});
