// Measurement (no timing assertions): navigation → editable text area for a group document
// with 5,000 keystrokes of history on a cold load (new browser profile, nothing cached), on
// conference-room Wi-Fi, and on a phone on a weak mobile network (first and repeat visit), and
// the localStorage bytes of a full workshop as the facilitator's browser keeps it.
// usage: node coldload.mjs <server-port> <group-token> <facilitator-token>
import { deadline, launch } from "./lib.mjs";

const [, , serverPort, token, facToken] = process.argv;
deadline(230_000);
const base = `http://127.0.0.1:${serverPort}`;
const browser = await launch();
// Milliseconds from navigation to the group's text area, editable with all 5,000 characters.
async function coldLoad(page) {
  const t0 = Date.now();
  await page.goto(`${base}/g/${token}`);
  await page.waitForFunction(() => {
    const el = document.querySelector("#a-q1");
    return el && !el.disabled && el.value.length >= 5000;
  }, null, { timeout: 60_000, polling: 10 });
  return Date.now() - t0;
}

const times = [];
for (let i = 0; i < 3; i++) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  times.push(await coldLoad(await context.newPage()));
  await context.close();
}
console.log(`COLD-LOAD-MS=${times.join(",")}`);

// The same on conference-room Wi-Fi as Chromium emulates it: 10 Mbit/s down, 40 ms round
// trip. Here the bytes of the app matter (the server sends its brotli copies).
const slow = [];
let wasmBytes = 0;
for (let i = 0; i < 3; i++) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 40,
    downloadThroughput: (10 * 1024 * 1024) / 8,
    uploadThroughput: (5 * 1024 * 1024) / 8,
  });
  slow.push(await coldLoad(page));
  wasmBytes = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((r) => r.name.endsWith(".wasm"))
      .reduce((n, r) => n + r.transferSize, 0)
  );
  await context.close();
}
console.log(`COLD-LOAD-10MBIT-MS=${slow.join(",")}`);
console.log(`WASM-TRANSFER-BYTES=${wasmBytes}`);

// A colleague's phone on a weak mobile network, as Chromium emulates it: 1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip, and a CPU four times slower than this machine's. The first
// visit has nothing cached; the repeat visit (the same browser, a new tab) has the service
// worker's copy of the app and the group's notes in localStorage. Time to an editable answer
// field with the group's 5,000 characters, and the bytes that came over the network.
const phone = await browser.newContext({
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
});
async function phoneVisit() {
  const page = await phone.newPage();
  const cdp = await phone.newCDPSession(page);
  let received = 0;
  cdp.on("Network.loadingFinished", (e) => { received += e.encodedDataLength; });
  cdp.on("Network.webSocketFrameReceived", (e) => { received += e.response.payloadData.length; });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: 1_600_000 / 8,
    uploadThroughput: 750_000 / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  // Where the time goes: the app running (it asks for the link's session), its socket opening
  // (the engine started: documents read back), the field editable.
  const t0 = Date.now();
  const phases = {};
  cdp.on("Network.requestWillBeSent", (e) => {
    if (e.request.url.includes("/api/session/")) phases.session ??= Date.now() - t0;
  });
  cdp.on("Network.webSocketCreated", () => { phases.socket ??= Date.now() - t0; });
  const ms = await coldLoad(page);
  await page.close();
  return [ms, received, `app asks for its session at ${phases.session} ms, socket at ${phases.socket} ms, editable at ${ms} ms`];
}
const [phoneFirst, phoneFirstBytes, phoneFirstPhases] = await phoneVisit();
// Let the service worker finish putting the app in its cache, as it would while she reads.
await new Promise((r) => setTimeout(r, 3000));
const [phoneRepeat, phoneRepeatBytes, phoneRepeatPhases] = await phoneVisit();
await phone.close();
console.log(`PHONE-FIRST-VISIT-MS=${phoneFirst}`);
console.log(`PHONE-FIRST-VISIT-BYTES=${phoneFirstBytes}`);
console.log(`PHONE-REPEAT-VISIT-MS=${phoneRepeat}`);
console.log(`PHONE-REPEAT-VISIT-BYTES=${phoneRepeatBytes}`);
console.log(`PHONE-FIRST-VISIT-PHASES=${phoneFirstPhases}`);
console.log(`PHONE-REPEAT-VISIT-PHASES=${phoneRepeatPhases}`);

const context = await browser.newContext();
const fac = await context.newPage();
await fac.goto(`${base}/f/${facToken}`);
await fac.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 60_000 });
await fac.waitForTimeout(1000);
const bytes = await fac.evaluate(() => {
  let n = 0;
  for (const k of Object.keys(localStorage)) if (k.startsWith("samtal:")) n += 2 * (k.length + localStorage.getItem(k).length);
  return n;
});
console.log(`LOCALSTORAGE-BYTES=${bytes}`);
await browser.close();
console.log("BROWSER-OK");
process.exit(0);
