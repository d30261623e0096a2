// Browser benchmark (issue 27; a measurement, never a test): the pages that hold every group's
// notes while the groups type — the facilitator's Storgrupp and Grupperna nu tabs, the
// presentation screen and the catch-up page — in headless Chromium at 1920×1080, one after the
// other, each for WINDOW seconds. The groups are the load generator's native clients
// (`samtal-load --browser`); each burst they type ends with a stamp `⟦g<group>:<unix ms>⟧`.
//
// Per view: edit → visible (a MutationObserver finds each new stamp in the page; the time is
// taken at the next animation frame, when it is painted), main-thread busy share and long
// tasks (CDP Performance.getMetrics, PerformanceObserver "longtask"), JS heap and wasm memory.
// The observer's own work is part of the busy share (small: it reads only what changed).
//
// usage: node bench-facilitator.mjs <base-url> <facilitator-token> <catch-up-token> <window-s>
import { deadline, launch } from "./lib.mjs";

const [, , base, facToken, catchUpToken, windowArg] = process.argv;
const windowS = Number(windowArg || 20);
deadline((windowS * 4 + 240) * 1000);

// Runs in every page before the app starts.
function instrument() {
  const bench = { from: Infinity, lat: [], longtasks: [], seen: new Set(), wasm: null, pending: [] };
  window.__bench = bench;
  addEventListener("TrunkApplicationStarted", (e) => { bench.wasm = e.detail?.wasm?.memory ?? null; });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (performance.timeOrigin + e.startTime >= bench.from) bench.longtasks.push(e.duration);
    }
  }).observe({ type: "longtask", buffered: true });
  const stamp = /⟦g(\d+):(\d+)⟧/g;
  let frame = false;
  const scan = (text) => {
    if (!text || !text.includes("⟦")) return;
    for (const m of text.matchAll(stamp)) {
      if (bench.seen.has(m[0])) continue;
      bench.seen.add(m[0]);
      const sent = Number(m[2]);
      if (sent >= bench.from) bench.pending.push(sent);
    }
    if (bench.pending.length && !frame) {
      frame = true;
      requestAnimationFrame(() => {
        frame = false;
        const now = Date.now();
        for (const sent of bench.pending) bench.lat.push(now - sent);
        bench.pending = [];
      });
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") scan(r.target.data);
      else for (const n of r.addedNodes) scan(n.textContent);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))] : NaN;
const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? 0;

const browser = await launch();

async function measure(view, url, ready, prepare) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  await page.goto(url);
  await page.locator(".status").getByText(ready).waitFor({ timeout: 120_000 });
  await prepare(page);
  // Let the first full render and the catch-up of the backlog pass.
  await page.waitForTimeout(3000);
  await page.evaluate((from) => {
    window.__bench.from = from;
    window.__bench.lat = [];
    window.__bench.longtasks = [];
  }, Date.now());
  const m0 = await cdp.send("Performance.getMetrics");
  // BENCH_PROFILE=1: a CPU profile of the window; the functions with the most self time.
  if (process.env.BENCH_PROFILE) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  await page.waitForTimeout(windowS * 1000);
  const m1 = await cdp.send("Performance.getMetrics");
  if (process.env.BENCH_PROFILE) {
    const { profile } = await cdp.send("Profiler.stop");
    const self = new Map();
    const dt = profile.timeDeltas;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const f = byId.get(id).callFrame;
      const key = f.functionName || `(${f.url.split("/").pop()}:${f.lineNumber})`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [name, ms] of top) console.log(`  PROFILE ${view}: ${ms.toFixed(0)} ms ${name.slice(0, 140)}`);
    // Inclusive time of our own functions (BENCH_PROFILE=samtal): who calls the hot ones.
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const total = new Map();
    profile.samples.forEach((id, i) => {
      const names = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) names.add(byId.get(n).callFrame.functionName);
      for (const name of names) total.set(name, (total.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    const ours = [...total].filter(([n]) => n.includes(process.env.BENCH_PROFILE)).sort((a, b) => b[1] - a[1]).slice(0, 30);
    for (const [name, ms] of ours) console.log(`  INCLUSIVE ${view}: ${ms.toFixed(0)} ms ${name.slice(0, 160)}`);
  }
  const b = await page.evaluate(() => ({
    lat: window.__bench.lat,
    long: window.__bench.longtasks,
    wasm: window.__bench.wasm?.buffer?.byteLength ?? 0,
  }));
  const elapsed = metric(m1, "Timestamp") - metric(m0, "Timestamp");
  const share = (name) => (metric(m1, name) - metric(m0, name)) / elapsed;
  const busy = share("TaskDuration");
  const lat = b.lat.sort((x, y) => x - y);
  const mib = (n) => (n / 1048576).toFixed(1);
  console.log(
    `VIEW ${view}: edit→visible ms p50 ${pct(lat, 50)} p95 ${pct(lat, 95)} p99 ${pct(lat, 99)} ` +
    `(${lat.length} edits seen), main thread busy ${(100 * busy).toFixed(1)} % ` +
    `(script ${(100 * share("ScriptDuration")).toFixed(0)} %, layout ${(100 * share("LayoutDuration")).toFixed(0)} %, ` +
    `style ${(100 * share("RecalcStyleDuration")).toFixed(0)} %), ` +
    `long tasks ${b.long.length} (longest ${Math.round(Math.max(0, ...b.long))} ms), ` +
    `JS heap ${mib(metric(m1, "JSHeapUsedSize"))} MiB, wasm memory ${mib(b.wasm)} MiB, ` +
    `total ${mib(metric(m1, "JSHeapUsedSize") + b.wasm)} MiB`);
  await context.close();
}

const synced = "Synkat med servern";
await measure("facilitator Storgrupp", `${base}/f/${facToken}`, synced, async (p) => {
  await p.getByRole("tab", { name: "Storgrupp" }).click();
});
await measure("facilitator Grupperna nu", `${base}/f/${facToken}`, synced, async () => {});
await measure("presentation screen", `${base}/f/${facToken}`, synced, async (p) => {
  await p.getByRole("tab", { name: "Storgrupp" }).click();
  await p.getByRole("button", { name: "Visa på storskärm" }).click();
  await p.locator(".present-body").waitFor();
});
await measure("catch-up page", `${base}/c/${catchUpToken}`, /Du ser det senaste/, async () => {});
await browser.close();
console.log("BENCH-OK");
process.exit(0);
