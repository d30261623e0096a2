// Browser tests for the offline client on a shared conference-room PC: two tabs, corrupt local
// data, the crash page, clearing local data, the new-version banner, clock skew, caret and
// concurrent typing, and a full localStorage. Every check ends on the server's copy.
// usage: node hardening.mjs <server-port> <group-token> <facilitator-token> <screenshot-dir>
import { deadline, dumpOnFailure, launch, proxy } from "./lib.mjs";

const [, , serverPort, token, facToken, shots] = process.argv;
deadline(280_000);
const net = await proxy(serverPort);
const base = net.base;
const browser = await launch();
const pages = [];
dumpOnFailure(pages, shots);
const errors = [];
let current = "";
const step = (m) => { current = m; console.log(`step: ${m}`); };
const big = { viewport: { width: 1920, height: 1080 } };
async function open(context, hash = "") {
  const page = await context.newPage();
  pages.push(page);
  page.on("pageerror", (e) => errors.push(`[${current}] ${page.url()}: ${e.message}`));
  await page.goto(`${base}/g/${token}${hash}`);
  return page;
}
const synced = (page, timeout = 30_000) =>
  page.locator(".status").getByText("Synkat med servern").waitFor({ timeout });
/// The group's answer to `q` as the server has it (through the facilitator's plenary view).
async function serverAnswer(q) {
  const r = await fetch(`http://127.0.0.1:${serverPort}/api/plenary/${facToken}`);
  const view = await r.json();
  return view.questions.find((x) => x.id === q).answers.find((a) => a.group_id === "g1").text;
}
async function expectServer(q, want) {
  const until = Date.now() + 20_000;
  let got;
  while (Date.now() < until) {
    got = await serverAnswer(q);
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server has ${JSON.stringify(got)} for ${q}, expected ${JSON.stringify(want)}`);
}

step("two tabs on one computer, both offline, do not overwrite each other");
const shared = await browser.newContext(big);
const tab1 = await open(shared);
await tab1.locator("#a-q1").waitFor({ timeout: 30_000 });
await synced(tab1);
const tab2 = await open(shared);
await synced(tab2);
await net.setOnline(false, shared);
await tab1.locator("#a-q1").click();
await tab1.locator("#a-q1").pressSequentially("Från flik ett.");
await tab2.locator("#a-q2").click();
await tab2.locator("#a-q2").pressSequentially("Från flik två.");
// Each tab sees the other's offline notes (through localStorage), live.
await tab1.waitForFunction(() => document.querySelector("#a-q2").value === "Från flik två.", null, { timeout: 10_000 });
await tab2.waitForFunction(() => document.querySelector("#a-q1").value === "Från flik ett.", null, { timeout: 10_000 });
await tab1.waitForTimeout(1500); // both bursts committed and saved
await tab1.reload();
await tab1.waitForFunction(() => document.querySelector("#a-q1")?.value === "Från flik ett." &&
  document.querySelector("#a-q2")?.value === "Från flik två.", null, { timeout: 20_000 });
await net.setOnline(true, shared);
await synced(tab1, 60_000);
await synced(tab2, 60_000);
await expectServer("q1", "Från flik ett.");
await expectServer("q2", "Från flik två.");
await tab2.close();

step("clear local data warns while something is unsynced, then clears");
await net.setOnline(false, shared);
await tab1.locator("#a-q3").click();
await tab1.locator("#a-q3").pressSequentially("Osynkat.");
await tab1.waitForTimeout(1200);
let asked = "";
tab1.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
await tab1.locator("#clear-local").click();
if (!asked.includes("Varning")) throw new Error(`no unsynced warning: ${asked}`);
const kept = await tab1.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("samtal:doc:")).length);
if (kept === 0) throw new Error("cancelled clear removed data");
await net.setOnline(true, shared);
await synced(tab1, 60_000);
await expectServer("q3", "Osynkat.");
tab1.once("dialog", (d) => { asked = d.message(); d.accept(); });
await tab1.locator("#clear-local").click();
await tab1.waitForURL(`${base}/`, { timeout: 10_000 });
if (asked.includes("Varning")) throw new Error("warned although everything was synced");
const left = await tab1.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("samtal:") && k !== "samtal:lang"));
if (left.length) throw new Error(`local data left: ${left}`);

step("corrupt and foreign local data is skipped with a warning");
const tab3 = await open(shared);
await synced(tab3);
await tab3.evaluate(() => {
  for (const k of Object.keys(localStorage)) {
    if (k.startsWith("samtal:doc:")) localStorage.setItem(k, localStorage.getItem(k).slice(0, 40));
    if (k.startsWith("samtal:session:")) localStorage.setItem(k, "{not json");
  }
  localStorage.setItem("samtal:doc:not-a-doc-id", "garbage");
  localStorage.setItem("another-app", "hello");
});
await tab3.reload();
await tab3.getByText("gick inte att läsa").waitFor({ timeout: 20_000 });
await tab3.waitForFunction(() => document.querySelector("#a-q1")?.value === "Från flik ett.", null, { timeout: 20_000 });
await tab3.screenshot({ path: `${shots}/hardening-corrupt.png` });

step("a wasm panic shows a readable page");
const crashed = await open(shared, "#samtal-selftest-panic");
await crashed.locator(".crash").getByText("Något gick fel").waitFor({ timeout: 20_000 });
await crashed.screenshot({ path: `${shots}/hardening-crash.png` });
errors.splice(0); // the self-test panic is expected
await crashed.close();

step("a new deploy is offered, never forced");
const noSw = await browser.newContext({ ...big, serviceWorkers: "block" });
const page = await open(noSw);
await synced(page);
await page.evaluate(() => { window.__stillHere = true; });
// The page asks for its own address again (a group link gets the group page's shell, so that
// is what it compares with); that answer now names another bundle.
const here = page.url();
await page.route(here, async (route) => {
  const resp = await route.fetch();
  const body = (await resp.text()).replaceAll("_bg.wasm", "-next_bg.wasm");
  await route.fulfill({ response: resp, body });
});
await page.evaluate(() => window.dispatchEvent(new Event("online")));
await page.getByText("Det finns en ny version").waitFor({ timeout: 20_000 });
if (!(await page.evaluate(() => window.__stillHere))) throw new Error("the page reloaded by itself");
await page.unroute(here);

step("caret stays put when a remote edit lands; concurrent typing converges");
const other = await open(await browser.newContext(big));
await synced(other);
const mine = page.locator("#a-q1");
await mine.click();
await page.keyboard.press("End");
await mine.pressSequentially(" Mitt.");
await synced(page);
await other.waitForFunction(() => document.querySelector("#a-q1").value.endsWith("Mitt."), null, { timeout: 20_000 });
// Select the word "Mitt" here, then the other browser inserts before it.
await page.evaluate(() => {
  const el = document.querySelector("#a-q1");
  const at = el.value.indexOf("Mitt");
  el.setSelectionRange(at, at + 4);
});
const theirs = other.locator("#a-q1");
await theirs.click();
await other.keyboard.press("Home");
await theirs.pressSequentially("Först: ");
await page.waitForFunction(() => document.querySelector("#a-q1").value.startsWith("Först: "), null, { timeout: 20_000 });
const selected = await page.evaluate(() => {
  const el = document.querySelector("#a-q1");
  return [el.value.slice(el.selectionStart, el.selectionEnd), document.activeElement === el];
});
if (selected[0] !== "Mitt" || !selected[1]) throw new Error(`selection moved: ${selected}`);
// And a collapsed caret at the end stays at the end.
await page.keyboard.press("End");
await theirs.pressSequentially("Alltså ");
await page.waitForFunction(() => document.querySelector("#a-q1").value.startsWith("Först: Alltså "), null, { timeout: 20_000 });
const caret = await page.evaluate(() => {
  const el = document.querySelector("#a-q1");
  return [el.selectionStart, el.value.length, document.activeElement === el];
});
if (caret[0] !== caret[1] || !caret[2]) throw new Error(`caret moved: ${caret}`);
await Promise.all([
  mine.pressSequentially(" Ett två tre fyra fem.", { delay: 15 }),
  theirs.pressSequentially("Sex sju åtta nio tio. ", { delay: 15 }),
]);
await synced(page);
await synced(other);
let [a, b] = [];
for (const until = Date.now() + 20_000; Date.now() < until;) {
  [a, b] = [await mine.inputValue(), await theirs.inputValue()];
  if (a === b) break;
  await page.waitForTimeout(200);
}
if (a !== b) throw new Error(`did not converge:\n${a}\n${b}`);
if (!a.includes("Ett två tre fyra fem.") || !a.includes("Sex sju åtta nio tio.")) throw new Error(`lost typing: ${a}`);
await expectServer("q1", a);

step("clock skew of days changes nothing");
for (const days of [-4, 5]) {
  const skewed = await browser.newContext(big);
  await skewed.addInitScript((ms) => {
    const real = Date.now;
    Date.now = () => real() + ms;
  }, days * 86_400_000);
  const p = await open(skewed);
  await synced(p);
  const f = p.locator("#a-q2");
  await f.click();
  await p.keyboard.press("End");
  await f.pressSequentially(` (${days} dagar)`);
  await synced(p);
  await skewed.close();
}
await expectServer("q2", "Från flik två. (-4 dagar) (5 dagar)");

step("full localStorage: 500 edits offline stay in memory, reach the server when online");
const full = await browser.newContext(big);
const fp = await open(full);
await synced(fp);
const filled = await fp.evaluate(() => {
  const chunk = "x".repeat(256 * 1024);
  let i = 0;
  try {
    for (;;) localStorage.setItem(`filler:${i++}`, chunk);
  } catch {
    // Fill the last gap with smaller pieces.
    for (let n = 16 * 1024; n >= 16; n /= 2) {
      try { for (;;) localStorage.setItem(`filler:${i++}`, "y".repeat(n)); } catch {}
    }
  }
  return i;
});
if (filled < 4) throw new Error("localStorage did not fill");
await net.setOnline(false, full);
const q3 = fp.locator("#a-q3");
await q3.click();
await fp.keyboard.press("End");
const typed = "abcdefghij".repeat(50);
await q3.pressSequentially(typed);
await fp.locator(".status").getByText("lagring är full").waitFor({ timeout: 20_000 });
await fp.screenshot({ path: `${shots}/hardening-storage-full.png` });
await net.setOnline(true, full);
await expectServer("q3", `Osynkat.${typed}`);
await fp.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith("filler:")) localStorage.removeItem(k); });

if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
process.exit(0);
