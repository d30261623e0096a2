// Browser test: a group types online, goes offline, types, reloads offline, types, comes back;
// then reloads on a network that accepts connections and never answers.
// usage: node offline.mjs <server-port> <group-token> <screenshot-dir>
// The page talks to the server through a TCP proxy here that we can cut, and the browser
// context is set offline too, so both HTTP and the WebSocket really lose the network.
import { deadline, launch, proxy } from "./lib.mjs";

const [, , serverPort, token, shots] = process.argv;
deadline(150_000);
const net = await proxy(serverPort);
const base = net.base;
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
const page = await context.newPage();
page.on("pageerror", (e) => console.error("page error:", e.message));
const status = page.locator(".status");
const field = page.locator("#a-q1");
const step = (m) => console.log(`step: ${m}`);

const setOnline = (on) => net.setOnline(on, context);

step("open the group link");
await page.goto(`${base}/g/${token}`);
await field.waitFor({ timeout: 30_000 });
await status.getByText("Synkat med servern").waitFor({ timeout: 30_000 });
await page.waitForFunction(async () => {
  const reg = await navigator.serviceWorker.ready;
  const cache = await caches.open("samtal-shell-v1");
  return !!reg.active && (await cache.keys()).length >= 3;
}, null, { timeout: 30_000 });
await page.screenshot({ path: `${shots}/group-1920.png` });

step("type online");
await field.click();
await field.pressSequentially("Del ett. ");
await page.waitForTimeout(1200);
await status.getByText("Synkat med servern").waitFor({ timeout: 20_000 });

step("go offline and type");
await setOnline(false);
await status.getByText("Offline").waitFor({ timeout: 20_000 });
await field.press("End");
await field.pressSequentially("Del två. ");
await page.waitForTimeout(1200);
await status.getByText("Sparat på den här datorn").waitFor({ timeout: 10_000 });

step("reload while offline");
await page.reload();
await field.waitFor({ timeout: 30_000 });
await page.waitForFunction(
  () => document.querySelector("#a-q1")?.value === "Del ett. Del två. ",
  null,
  { timeout: 20_000 },
);
await page.screenshot({ path: `${shots}/group-offline-1920.png` });

step("type more offline");
await field.click();
await field.press("Control+End");
await field.pressSequentially("Del tre.");
await page.waitForTimeout(1200);
await status.getByText("Sparat på den här datorn").waitFor({ timeout: 10_000 });

step("back online");
await setOnline(true);
await status.getByText("Synkat med servern").waitFor({ timeout: 60_000 });
await page.setViewportSize({ width: 390, height: 844 });
await page.screenshot({ path: `${shots}/group-390.png`, fullPage: false });

// Conference Wi-Fi that says it is connected while nothing gets through: a reload opens the
// notes from this computer at once (the service worker's page, the cached session), without
// waiting for a server that does not answer.
step("reload on a network that never answers");
net.stall();
const t0 = Date.now();
await page.reload({ waitUntil: "commit", timeout: 10_000 });
await page.waitForFunction(
  () => document.querySelector("#a-q1")?.value === "Del ett. Del två. Del tre.",
  null,
  { timeout: 10_000 },
);
console.log(`measured: stalled network, reload → notes shown in ${Date.now() - t0} ms`);
await setOnline(true);
// The socket that hung is given up (the join timeout) and a new one syncs.
await status.getByText("Synkat med servern").waitFor({ timeout: 60_000 });
console.log(`measured: stalled network, then back → synced again in ${Date.now() - t0} ms`);

// What the server sent is written here as the tab closes: another browser types twice; the
// second change arrives within 5 s of the first one's write, so its own write waits — until
// the tab goes away. Then, offline, the link opens with both.
step("what arrived is kept when the tab closes");
const writerContext = await browser.newContext();
const writer = await writerContext.newPage();
await writer.goto(`${base}/g/${token}`);
const theirs = writer.locator("#a-q1");
await theirs.waitFor({ timeout: 30_000 });
await writer.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
const typeThere = async (text) => {
  await theirs.click();
  await theirs.press("Control+End");
  await theirs.pressSequentially(text);
  await page.waitForFunction((t) => document.querySelector("#a-q1")?.value.endsWith(t), text, { timeout: 20_000 });
};
// Nothing held back from before (a write waits at most 5 s), and the last write over 5 s ago:
// the first arrival is written at once, the second waits.
await page.waitForTimeout(11_000);
await typeThere(" Fyra.");
await typeThere(" Fem.");
const again = await context.newPage();
const closed = new Promise((r) => page.once("close", r));
await page.close({ runBeforeUnload: true });
await closed;
await setOnline(false);
await again.goto(`${base}/g/${token}`);
await again.waitForFunction(
  () => document.querySelector("#a-q1")?.value === "Del ett. Del två. Del tre. Fyra. Fem.",
  null,
  { timeout: 10_000 },
);
await writerContext.close();

// A cached session the server no longer gives (here: made to differ) starts the page, and is
// replaced when the server answers; the engine it started leaves no handler behind.
step("a stale cached session is replaced cleanly");
await setOnline(true);
const errors = [];
again.on("pageerror", (e) => errors.push(e.message));
await again.evaluate((t) => {
  const key = `samtal:session:${t}`;
  const cached = JSON.parse(localStorage.getItem(key));
  localStorage.setItem(key, JSON.stringify({ ...cached, expires_at: "2099-12-31" }));
}, token);
await again.reload();
await again.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
const replaced = await again.evaluate((t) => JSON.parse(localStorage.getItem(`samtal:session:${t}`)).expires_at, token);
if (replaced !== null) throw new Error(`the cached session was not replaced: ${replaced}`);
await again.evaluate(() => {
  for (const e of ["offline", "online"]) dispatchEvent(new Event(e));
  dispatchEvent(new StorageEvent("storage", { key: "samtal:doc:x", newValue: JSON.stringify("") }));
  dispatchEvent(new Event("pagehide"));
});
await again.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
console.log("BROWSER-OK");
await browser.close();
net.close();
process.exit(0);
