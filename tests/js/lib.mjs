// Shared by the browser tests: the system chromium, a cuttable TCP proxy to the server (so
// "offline" really drops HTTP and WebSockets), and failure dumps.
import net from "node:net";
import { chromium } from "playwright-core";

export function deadline(ms) {
  setTimeout(() => {
    console.error("browser test timed out");
    process.exit(1);
  }, ms).unref();
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/// A proxy on a free loopback port in front of the server; `setOnline(false)` cuts every
/// connection and refuses new ones.
export async function proxy(serverPort) {
  // "online", "offline" (connections refused) or "stalled" (accepted, never answered: the
  // conference Wi-Fi that says it is connected).
  let mode = "online";
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  };
  const server = net.createServer((client) => {
    if (mode === "offline") return client.destroy();
    track(client);
    if (mode === "stalled") return;
    const upstream = net.connect(Number(serverPort), "127.0.0.1");
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
    async setOnline(on, ...contexts) {
      mode = on ? "online" : "offline";
      if (!on) for (const s of sockets) s.destroy();
      for (const c of contexts) await c.setOffline(!on);
    },
    // The browser stays online; every connection is cut, and new ones hang.
    stall() {
      mode = "stalled";
      for (const s of sockets) s.destroy();
    },
  };
}

/// On any failure: a screenshot and the visible text of every page, then exit 1.
export function dumpOnFailure(pages, shots) {
  const dump = async (e) => {
    console.error("FAILED:", e?.message ?? e);
    for (const [i, p] of pages.entries()) {
      try {
        await p.screenshot({ path: `${shots}/failure-${i}.png` });
        const fields = await p.evaluate(() =>
          [...document.querySelectorAll("textarea")].map((t) => `${t.id}=${JSON.stringify(t.value)}`).join(" "));
        console.error(`--- page ${i} ${p.url()}\n${(await p.locator("body").innerText()).slice(0, 1500)}\nfields: ${fields}`);
      } catch {}
    }
    process.exit(1);
  };
  process.on("unhandledRejection", dump);
  process.on("uncaughtException", dump);
}

/// Wait until a page says everything is on the server (Swedish).
export const synced = (page, timeout = 30_000) =>
  page.locator(".status").getByText("Synkat med servern").waitFor({ timeout });

/// Wait until a reader's page (catch-up) shows the latest from the server (Swedish or English).
export const current = (page, timeout = 30_000) =>
  page.locator(".status").getByText(/Du ser det senaste|You see the latest/).waitFor({ timeout });

/// Fail the scenario with a message (the failure dump shows every page).
export const fail = (m) => { throw new Error(m); };

/// A browser session for a multi-page scenario: `newPage` opens a page in its own context
/// (its own localStorage), collects page errors and accepts dialogs; failures are dumped to
/// `shots`; `shot` saves a screenshot there.
export async function session(shots) {
  const browser = await launch();
  const errors = [];
  const pages = [];
  dumpOnFailure(pages, shots);
  return {
    browser,
    errors,
    big: { viewport: { width: 1920, height: 1080 } },
    phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    step: (m) => console.log(`step: ${m}`),
    async newPage(opts) {
      const ctx = await browser.newContext(opts);
      const page = await ctx.newPage();
      pages.push(page);
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("dialog", (d) => d.accept());
      return page;
    },
    shot: (page, name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: false }),
  };
}
