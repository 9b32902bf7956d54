// The docs site in a real browser: Debian's headless Chromium driven by playwright-core.
//
// Builds the site from the repository's examples into a temp dir, serves the same repository with
// `nbe serve` on a free port, and walks the pages a reader would: the index and its search, the
// supercluster-arbiter page, a language tab, the copy buttons and the recording player; then what
// issue 12 asked of the page (code above the fold, no empty prose rows, joined box tables, folded
// output without JavaScript, search by words in any order and with typos, copy and edit links, a
// readable player on phones, no key hints on touch screens). Screenshots at desktop and phone
// widths land in target/browser-artifacts/.
//
// Issue 22 added: each step's output under its code, the folded setup, tabs that switch in place and a remembered language, the
// sidebar, jump links, search snippets, one copy button per program, Replay in place of the output,
// and axe-core's accessibility checks; screenshots of four pages (see docs/SITE.md).
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
  // The kinds' defaults folders, where the pinned client library versions the pages name are read.
  fs.cpSync(path.join(ROOT, "clients"), path.join(repo, "clients"), { recursive: true });
  const python = path.join(repo, "examples", EXAMPLE, "python");
  if (!fs.existsSync(python)) {
    fs.mkdirSync(python);
    fs.writeFileSync(
      path.join(python, "main.py"),
      "# A stand-in client that only the browser test adds, to have a second tab.\n" +
        "# Its header name is something for the search to find in code.\nprint('hello', {'Nats-Msg-Id': 'order-1'})\n",
    );
  }
  // Where "edit this page" leads.
  fs.appendFileSync(
    path.join(repo, "examples", "meta.yaml"),
    "site:\n  edit_url: https://example.com/nbe/edit/main/{path}\n",
  );
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
  await page.waitForFunction(() => document.querySelector('nav.tabs a[aria-current="page"]').textContent === "Python");
  await page.locator("nav.tabs a", { hasText: "CLI" }).click();
  await page.waitForURL(/\/cli\/index\.html$/);
  await page.waitForFunction(() => document.querySelector('nav.tabs a[aria-current="page"]').textContent === "CLI");

  // The run command's button puts how a reader runs the program on the clipboard and says so.
  const button = page.locator(".run button.copy");
  await button.click();
  await page.waitForFunction(() => document.querySelector(".run button.copy").textContent === "Copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "bash main.sh");
  // `nbe run` is the quieter line below it.
  assert.equal(await page.locator(".verify code").textContent(), `nbe run ${EXAMPLE}/cli`);

  // Prose sits beside highlighted code.
  assert.ok((await page.locator(".step .prose p").count()) > 3, "comments became prose");
  assert.ok((await page.locator("pre.code span.k").count()) > 0, "code is highlighted");

  // Replay puts the player where the output text was, and it draws the recorded terminal.
  const replay = page.locator("button.replay");
  await replay.scrollIntoViewIfNeeded();
  const textBox = await page.locator(".output .screen").boundingBox();
  await replay.click();
  const player = page.locator(".output .player .ap-player");
  await player.waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".output .screen").isVisible(), false, "the text gives way to the player");
  await page.waitForFunction(
    () => (document.querySelector(".player .ap-term")?.textContent ?? "").trim().length > 0,
    null,
    { timeout: 15000 },
  );
  const playerBox = await page.locator(".output .player").boundingBox();
  assert.ok(Math.abs(playerBox.x - textBox.x) < 2 && Math.abs(playerBox.width - textBox.width) < 2, "the player takes the text's place and width");
  const font = await page.evaluate(() => getComputedStyle(document.querySelector(".player .ap-term")).fontFamily);
  assert.match(font, /JetBrains Mono/, "the player uses the page's mono font");
  await replay.click();
  assert.equal(await page.locator(".output .screen").isVisible(), true, "and the text comes back");
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

const PAGE = () => new URL(`${EXAMPLE}/cli/index.html`, base).href;

test("the first screen at 1280x900 shows the description and the first step after the folded setup", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(new URL("messaging/drain/cli/index.html", base).href);
  await page.screenshot({ path: path.join(ARTIFACTS, "example-1280-fold.png"), fullPage: false });
  const setup = page.locator("details.setup");
  assert.equal(await setup.count(), 1, "one Setup disclosure");
  assert.equal(await setup.evaluate((d) => d.open), false, "folded");
  const summary = await setup.locator("summary").textContent();
  assert.match(summary, /starts the server/);
  assert.match(summary, /wait_for_subscriptions/);
  // The first step that is not setup, prose and code, starts on the first screen.
  const step = page.locator(".program > .step").first();
  const code = await step.locator("pre.code").boundingBox();
  const prose = await step.locator(".prose").boundingBox();
  assert.ok(code && code.y + 40 <= 900, `the first step's code starts at y=${code?.y}`);
  assert.ok(prose.y + 20 <= 900, `its prose starts at y=${prose.y}`);
  assert.match(await step.locator("pre.code").textContent(), /nats reply/, "the step is the example's own");
  const description = await page.locator(".intro").boundingBox();
  assert.ok(description.y < 300, "the description opens the page");
  await page.close();
});

test("at 360x800 the page does not scroll sideways and reads tabs before code", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(PAGE());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  const tabs = await page.locator("nav.tabs").boundingBox();
  const code = await page.locator(".program > .step pre.code").first().boundingBox();
  const title = await page.locator("h1").boundingBox();
  assert.ok(title.y < tabs.y && tabs.y < code.y, "title, then tabs, then code");
  await page.screenshot({ path: path.join(ARTIFACTS, "example-360-top.png"), fullPage: false });
  await page.close();
});

test("no row has code beside an empty prose column", async () => {
  const page = await context.newPage();
  await page.goto(PAGE());
  const empty = await page.evaluate(() =>
    [...document.querySelectorAll(".step")].filter(
      (step) => step.querySelector("pre.code") && step.querySelector(".prose").textContent.trim() === "",
    ).length,
  );
  assert.equal(empty, 0, "rows with code and no prose");
  const first = await page.locator("pre.code").first().textContent();
  assert.match(first, /^#!\/bin\/bash\n\nset -euo pipefail\n\nexport NATS_URL=/, "the shebang joins the first code");
  await page.close();
});

test("box-drawing characters in the output join into unbroken lines", async () => {
  const page = await context.newPage();
  await page.goto(PAGE());
  const ratio = await page.evaluate(() => {
    const style = getComputedStyle(document.querySelector("pre.terminal"));
    return parseFloat(style.lineHeight) / parseFloat(style.fontSize);
  });
  assert.ok(ratio <= 1.2, `output line height is ${ratio} times the font size`);
  // Draw a column of │ with the page's own output style and look for gaps between the lines.
  await page.evaluate(() => {
    const pre = document.createElement("pre");
    pre.className = "terminal";
    pre.id = "box-probe";
    pre.style.display = "inline-block";
    // A known padding, so the probe reads only the text area (not the rounded corners or the page).
    pre.style.padding = "10px";
    pre.style.borderRadius = "0";
    pre.textContent = "│\n│\n│\n│\n│\n│";
    document.querySelector("main").prepend(pre);
  });
  const probe = page.locator("#box-probe");
  const png = await probe.screenshot();
  const gaps = await page.evaluate(async (b64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    const data = ctx.getImageData(0, 0, image.width, image.height).data;
    // The brightest column is the line's stroke; count dark rows between its first and last lit row.
    let best = 0;
    let bestSum = -1;
    for (let x = 10; x < image.width - 10; x++) {
      let sum = 0;
      for (let y = 10; y < image.height - 10; y++) { sum += data[(y * image.width + x) * 4]; }
      if (sum > bestSum) { bestSum = sum; best = x; }
    }
    const lit = [];
    for (let y = 10; y < image.height - 10; y++) { lit.push(data[(y * image.width + best) * 4] > 90); }
    const top = lit.indexOf(true);
    const bottom = lit.lastIndexOf(true);
    return lit.slice(top, bottom + 1).filter((on) => !on).length;
  }, png.toString("base64"));
  assert.equal(gaps, 0, "dark rows inside a column of │");
  await page.close();
});

test("long output is shown whole behind a fold that opens without JavaScript", async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await noScript.newPage();
    await page.goto(PAGE());
    // The first long output on the page (each step's output folds on its own).
    const rest = page.locator("details.more pre.terminal.rest").first();
    assert.equal(await rest.isVisible(), false, "the tail starts folded");
    await page.locator("details.more summary").first().click();
    await rest.waitFor({ state: "visible" });
    const scrolls = await page.evaluate(() =>
      [...document.querySelectorAll("pre.terminal")].some((pre) => pre.scrollHeight > pre.clientHeight + 1),
    );
    assert.equal(scrolls, false, "no output is a scroll box");
    const text = await page.evaluate(() => [...document.querySelectorAll("pre.terminal")].map((p) => p.textContent).join(""));
    assert.match(text, /JetStream Summary/, "the whole output is there");
    await page.screenshot({ path: path.join(ARTIFACTS, "output-open-nojs.png"), fullPage: false });
    // The sidebar is open beside the page without the script too.
    assert.ok(await page.locator(".toc-list a", { hasText: "Topologies" }).isVisible(), "the sidebar without JavaScript");
    // A tab is a link to the other language's page.
    await page.locator("nav.tabs a", { hasText: "Python" }).click();
    await page.waitForURL(/\/python\/index\.html$/);
    await noScript.close();
  } finally {
    await browser.close();
  }
});

test("each step's output sits under its own code, long ones folded", async () => {
  const page = await context.newPage();
  await page.goto(new URL("messaging/publish-subscribe/cli/index.html", base).href);
  // The step that prints what the `orders.*.new` subscriber received.
  const step = page.locator(".step", { has: page.locator("pre.code", { hasText: "cat new-orders.txt" }) });
  assert.equal(await step.count(), 1);
  const output = step.locator(".step-output pre.terminal");
  assert.match(await output.textContent(), /Received on "orders\.eu\.new"/);
  assert.doesNotMatch(await output.textContent(), /orders\.eu\.shipped/, "the other subscriber's output is its own step's");
  const code = await step.locator(".code-box").boundingBox();
  const box = await output.boundingBox();
  assert.ok(box.y >= code.y + code.height, "the output is under the code");
  assert.ok(Math.abs(box.x - code.x) < 2, "in the code's column");
  // The publishing step shows what `nats pub` said, and nothing of the subscribers.
  const publish = page.locator(".step", { has: page.locator("pre.code", { hasText: "order 2 from Denver" }) });
  assert.match(await publish.locator(".step-output").textContent(), /Published 19 bytes to "orders\.us\.new"/);
  // A step that printed nothing shows no output box.
  const quiet = page.locator(".step", { has: page.locator("pre.code", { hasText: "export NATS_URL" }) });
  assert.equal(await quiet.locator(".step-output").count(), 0);
  // No second copy of the output: the end of the page replays the run.
  assert.equal(await page.locator(".output pre.terminal").count(), 0);
  assert.equal(await page.locator(".output h2").textContent(), "Replay the run");

  // A long step output is folded after its first lines, with a visible "show all" control.
  await page.goto(PAGE());
  const info = page.locator(".step", { has: page.locator("pre.code", { hasText: "server info west-az1" }) });
  const fold = info.locator(".step-output details.more");
  assert.equal(await fold.getAttribute("open"), null, "folded");
  const summary = fold.locator("summary");
  assert.ok(await summary.isVisible());
  assert.match(await summary.textContent(), /Show all \d+ lines/);
  assert.equal(await fold.locator("pre.terminal.rest").isVisible(), false);
  await page.close();
});

// Types `query` into the search box and returns the result titles.
async function search(page, query) {
  await page.locator("form.search input").fill(query);
  await page.locator(".results li").first().waitFor();
  return page.locator(".results a").evaluateAll((links) => links.map((a) => a.firstChild.textContent));
}

test("search matches words in any order, with a typo, and in code", async () => {
  const page = await context.newPage();
  await page.goto(base);
  const kvWatch = "Watching a Bucket";
  assert.equal((await search(page, "watch kv"))[0], kvWatch, "two words in reverse order");
  assert.equal((await search(page, "kv watch"))[0], kvWatch);
  assert.equal((await search(page, "wacth kv"))[0], kvWatch, "a swapped pair of letters");
  assert.equal((await search(page, "strem add"))[0] !== undefined, true, "a dropped letter");
  assert.ok((await search(page, "nats stream add")).length >= 3, "a command in the code");
  assert.ok((await search(page, "orders.*")).includes("Supercluster Arbiter"), "a subject in the code");
  // The header is in the stand-in client added to the arbiter, and in the real deduplication programs.
  const header = await search(page, "Nats-Msg-Id");
  assert.ok(header.includes("Supercluster Arbiter"), `a header name in a client: ${header}`);
  assert.ok(header.includes("Deduplication"), `a header name in a shipped program: ${header}`);
  assert.ok(!header.includes("Watching a Bucket"), `only pages that use it: ${header}`);
  assert.equal((await search(page, "arbiter"))[0], "Supercluster Arbiter", "title hits first");
  await page.close();
});

test("search over 1000 pages answers a query in milliseconds", async (t) => {
  const page = await context.newPage();
  await page.goto(base);
  const result = await page.evaluate(() => {
    const real = window.NBE_SEARCH;
    const vocabulary = real.flatMap((e) => `${e.text} ${e.prose ?? ""}`.split(/\s+/)).filter((w) => w.length > 3);
    let seed = 7;
    const pick = () => vocabulary[(seed = (seed * 1103515245 + 12345) % 2147483648) % vocabulary.length];
    const entries = [];
    for (let i = 0; i < 1000; i++) {
      const base = real[i % real.length];
      entries.push({
        ...base,
        title: `${base.title} ${pick()} ${i}`,
        prose: `${base.prose ?? ""} ${Array.from({ length: 300 }, pick).join(" ")}`,
      });
    }
    const bytes = JSON.stringify(entries).length;
    let start = performance.now();
    const prepared = window.nbeSearch.prepare(entries);
    const prepare = performance.now() - start;
    const timings = {};
    for (const query of ["watch kv", "wacth kv", "nats stream add", "zzzz qqqq"]) {
      window.nbeSearch.query(prepared, query);
      const runs = [];
      for (let r = 0; r < 15; r++) {
        start = performance.now();
        window.nbeSearch.query(prepared, query);
        runs.push(performance.now() - start);
      }
      runs.sort((a, b) => a - b);
      timings[query] = runs[7];
    }
    return { bytes, prepare, timings, hits: window.nbeSearch.query(prepared, "watch kv").length };
  });
  t.diagnostic(`search bench: ${JSON.stringify(result)}`);
  assert.ok(result.hits > 0, "the generated pages are found");
  await page.close();
});

test("one copy button for the program, an edit link, a readable player on phones", async () => {
  const page = await context.newPage();
  await page.goto(PAGE());
  assert.equal(await page.locator(".code-box button").count(), 0, "no button per block");
  const button = page.locator("button[data-copy-program]");
  await button.click();
  await page.waitForFunction(() => document.querySelector("button[data-copy-program]").textContent === "Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const source = fs.readFileSync(path.join(repo, "examples", EXAMPLE, "cli/main.sh"), "utf8");
  assert.equal(copied, source, "the whole program, prose comments included");
  const edit = page.locator("a.edit");
  assert.equal(
    await edit.getAttribute("href"),
    `https://example.com/nbe/edit/main/examples/${EXAMPLE}/cli/main.sh`,
  );
  await page.close();

  const phone = await context.newPage();
  await phone.setViewportSize({ width: 360, height: 800 });
  await phone.goto(PAGE());
  await phone.locator("button.replay").click();
  await phone.locator(".player .ap-player").waitFor({ timeout: 15000 });
  await phone.locator(".player").scrollIntoViewIfNeeded();
  const size = await phone.evaluate(() => parseFloat(getComputedStyle(document.querySelector(".player .ap-term")).fontSize));
  assert.ok(size >= 11, `the recording's text is ${size} px on a phone`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  await phone.screenshot({ path: path.join(ARTIFACTS, "player-360.png"), fullPage: false });
  await phone.close();
});

test("key hints show with a mouse and hide on touch screens", async () => {
  const page = await context.newPage();
  await page.goto(PAGE());
  assert.equal(await page.locator(".keys").isVisible(), true, "shown where there is hover");
  await page.close();
  // A phone: touch and no hover, as Chromium's mobile emulation reports them to media queries.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const touch = await browser.newContext({ isMobile: true, hasTouch: true, viewport: { width: 360, height: 800 } });
    const phone = await touch.newPage();
    await phone.goto(PAGE());
    assert.equal(await phone.evaluate(() => matchMedia("(hover: none)").matches), true);
    assert.equal(await phone.locator(".keys").isVisible(), false, "hidden on touch screens");
    await touch.close();
  } finally {
    await browser.close();
  }
});

test("the language a reader chose is remembered across pages and on the index", async () => {
  const page = await context.newPage();
  await page.goto(new URL(`${EXAMPLE}/cli/index.html`, base).href);
  await page.evaluate(() => { window.stayed = true; });
  await page.locator("nav.tabs a", { hasText: "Python" }).click();
  await page.waitForURL(/\/python\/index\.html$/);
  assert.equal(await page.evaluate(() => window.stayed), true, "the tab switched in place, without a page load");
  // The index sends the reader to the example in Python, and the example's own page shows Python.
  await page.goto(base);
  const link = page.locator(`a.title[href^="${EXAMPLE}/"]`);
  assert.equal(await link.getAttribute("href"), `${EXAMPLE}/python/index.html`);
  await page.goto(new URL(`${EXAMPLE}/index.html`, base).href);
  await page.waitForFunction(() => document.querySelector('nav.tabs a[aria-current="page"]')?.textContent === "Python");
  // An example without Python keeps its own language.
  await page.goto(new URL("messaging/scatter-gather/index.html", base).href);
  assert.equal(await page.locator('nav.tabs a[aria-current="page"]').textContent(), "CLI");
  // Choosing again overrides the memory.
  await page.goto(new URL(`${EXAMPLE}/python/index.html`, base).href);
  await page.locator("nav.tabs a", { hasText: "CLI" }).click();
  await page.waitForURL(/\/cli\/index\.html$/);
  await page.goto(base);
  assert.equal(await page.locator(`a.title[href^="${EXAMPLE}/"]`).getAttribute("href"), `${EXAMPLE}/cli/index.html`);
  await page.close();
});

test("tabs stay one row at 390x844, scrolling sideways", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(new URL("messaging/drain/go/index.html", base).href);
  const tops = await page.locator("nav.tabs li").evaluateAll((items) => items.map((li) => li.getBoundingClientRect().top));
  assert.ok(tops.length >= 6, `${tops.length} tabs`);
  assert.equal(new Set(tops).size, 1, `tabs on ${new Set(tops).size} rows`);
  const list = await page.locator("nav.tabs ul").evaluate((ul) => ({ scroll: ul.scrollWidth, client: ul.clientWidth }));
  assert.ok(list.scroll > list.client, "the row scrolls");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  // Each language's page names its client library and its version.
  assert.match(await page.locator(".provenance").textContent(), /Client\s*nats\.go v\d/);
  assert.match(await page.locator(".run code").textContent(), /go run \./);
  await page.close();
});

test("the sidebar lists the categories and the page's examples, folded on phones", async () => {
  const page = await context.newPage();
  await page.goto(new URL("messaging/drain/cli/index.html", base).href);
  const sidebar = page.locator("nav.sidebar");
  assert.equal(await sidebar.evaluate((n) => getComputedStyle(n).position), "sticky");
  assert.equal(await sidebar.locator('a[aria-current="page"]').textContent(), "Drain and Graceful Shutdown");
  assert.ok(await sidebar.locator("a", { hasText: "Topologies" }).isVisible(), "every category");
  await page.evaluate(() => window.scrollTo(0, 3000));
  const box = await sidebar.boundingBox();
  assert.ok(box.y >= 0 && box.y < 100, `the sidebar stays on screen (y=${box.y})`);
  // Previous and next are at the top as well as the bottom.
  assert.equal(await page.locator(".pager-top a[rel=next]").count(), 1);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(new URL("messaging/drain/cli/index.html", base).href);
  assert.equal(await page.locator("details.toc").evaluate((d) => d.open), false, "folded on a phone");
  await page.locator("details.toc summary").click();
  assert.ok(await sidebar.locator("a", { hasText: "Topologies" }).isVisible());
  await page.close();
});

test("the index has jump links and one-sentence entries", async () => {
  const page = await context.newPage();
  await page.goto(base);
  const jumps = await page.locator(".jump-links a").count();
  assert.equal(jumps, await page.locator("section.category").count());
  await page.locator(".jump-links a", { hasText: "Topologies" }).click();
  await page.waitForURL(/#topologies$/);
  const sentences = await page.locator(".examples li p").allTextContents();
  assert.ok(sentences.every((s) => (s.match(/\. /g) ?? []).length === 0), "one sentence each");
  // Entries were 330 to 570 px tall when they held whole descriptions.
  const heights = await page.locator(".examples > li").evaluateAll((items) => items.map((li) => li.offsetHeight).sort((a, b) => a - b));
  assert.ok(heights[heights.length - 1] < 220, `the tallest entry is ${heights[heights.length - 1]} px`);
  assert.ok(heights[heights.length >> 1] < 160, `the median entry is ${heights[heights.length >> 1]} px`);
  await page.close();
});

test("search results show a snippet with the matched words marked", async () => {
  const page = await context.newPage();
  await page.goto(base);
  await page.locator("form.search input").fill("buffer drain");
  await page.locator(".results a").first().waitFor();
  const first = page.locator(".results a").first();
  assert.match(await first.locator(".hit-title").textContent(), /Drain/);
  const snippet = first.locator(".snippet");
  assert.ok((await snippet.textContent()).length > 30, "a snippet");
  const marks = await first.locator("mark").allTextContents();
  assert.ok(marks.some((m) => /buffer/i.test(m)), `marked: ${marks}`);
  assert.ok(marks.some((m) => /drain/i.test(m)), `marked: ${marks}`);
  // The snippet is the part of the text that holds both words.
  const text = (await snippet.textContent()).toLowerCase();
  assert.ok(text.includes("buffer") && text.includes("drain"), `snippet: ${text}`);
  await page.close();
});

// The four pages the accessibility checks and the screenshots cover.
const PAGES = {
  index: "index.html",
  category: "messaging/index.html",
  cli: "messaging/drain/cli/index.html",
  languages: "messaging/drain/go/index.html",
};

test("axe finds no accessibility violations, light and dark", async () => {
  const axe = path.join(ROOT, "node_modules/axe-core/axe.min.js");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    for (const colorScheme of ["light", "dark"]) {
      const ctx = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      for (const [name, url] of Object.entries(PAGES)) {
        await page.goto(new URL(url, base).href);
        await page.addScriptTag({ path: axe });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document);
          return result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        });
        assert.deepEqual(violations, [], `${name} (${colorScheme})`);
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
  }
});

// Screenshots of the four pages at desktop and phone sizes, light and dark: into
// target/browser-artifacts/site, or into docs/site when NBE_SITE_SCREENSHOTS=1 (how the pictures
// docs/SITE.md shows are made).
test("screenshots of the four pages", async () => {
  const dir = process.env.NBE_SITE_SCREENSHOTS === "1" ? path.join(ROOT, "docs/site") : path.join(ARTIFACTS, "site");
  fs.mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    for (const colorScheme of ["light", "dark"]) {
      for (const [width, height] of [[1280, 900], [390, 844]]) {
        const ctx = await browser.newContext({ colorScheme, viewport: { width, height } });
        const page = await ctx.newPage();
        for (const [name, url] of Object.entries(PAGES)) {
          await page.goto(new URL(url, base).href);
          await page.evaluate(() => document.fonts.ready);
          await page.screenshot({ path: path.join(dir, `${name}-${width}-${colorScheme}.png`) });
        }
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
  }
});
