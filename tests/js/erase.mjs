// Issue 21: a browser that has a workshop's notes forgets them when the workshop is erased —
// while the page is open (the server's "erased" close reason) and when a catch-up link comes
// back to a server that no longer knows it — and stops reconnecting.
// usage: node erase.mjs <server-port> <group-token> <catch-up-token> <facilitator-token> <screenshot-dir>
import { deadline, session } from "./lib.mjs";

const [, , port, group, catchUp, fac, shots] = process.argv;
deadline(120_000);
const s = await session(shots);
const base = `http://127.0.0.1:${port}`;
// The workshop's keys: its documents, last-seen marks and cached session (the language and
// the device's own label belong to the computer, not to a workshop).
const samtalKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => /^samtal:(doc|seen|session):/.test(k)));

s.step("a group page and a catch-up page hold the workshop locally");
const sizes = [
  ["1920", { viewport: { width: 1920, height: 1080 } }],
  ["1366", { viewport: { width: 1366, height: 768 } }],
  ["390", s.phone],
];
const groupPages = [];
for (const [name, opts] of sizes) {
  const page = await s.newPage(opts);
  let sockets = 0;
  page.on("websocket", () => { sockets += 1; });
  await page.goto(`${base}/g/${group}`);
  await page.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
  groupPages.push({ name, page, sockets: () => sockets });
}
const reader = await s.newPage(s.big);
await reader.goto(`${base}/c/${catchUp}`);
await reader.locator(".status").getByText("Du ser det senaste").waitFor({ timeout: 30_000 });
for (const p of [...groupPages.map((g) => g.page), reader]) {
  if ((await samtalKeys(p)).length === 0) throw new Error("nothing stored locally before the erase");
}

s.step("the facilitator erases the workshop");
const r = await fetch(`${base}/api/workshop/${fac}`, { method: "DELETE" });
if (r.status !== 204) throw new Error(`erase answered ${r.status}`);

s.step("open pages say so, keep nothing and stop reconnecting");
for (const g of groupPages) {
  await g.page.getByRole("alert").getByText("Workshopen är raderad från servern.").waitFor({ timeout: 20_000 });
  // Nothing of the workshop is shown any more.
  if (await g.page.locator("textarea").count()) throw new Error("the notes are still on screen");
  const left = await samtalKeys(g.page);
  if (left.length) throw new Error(`left in localStorage: ${left}`);
  await s.shot(g.page, `erased-${g.name}`);
}
const before = groupPages.map((g) => g.sockets());
await groupPages[0].page.waitForTimeout(4000);
const after = groupPages.map((g) => g.sockets());
if (after.some((n, i) => n !== before[i])) throw new Error(`reconnected after the erase: ${before} -> ${after}`);

s.step("the open catch-up page forgets too, also after a reload");
await reader.getByRole("alert").getByText("Workshopen är raderad från servern.").waitFor({ timeout: 20_000 });
await reader.reload();
await reader.locator("p.error").waitFor({ timeout: 20_000 });
const left = await samtalKeys(reader);
if (left.length) throw new Error(`catch-up copy left: ${left}`);
if (s.errors.length) throw new Error(`page errors: ${s.errors.join("; ")}`);
console.log("ERASE-OK");
await s.browser.close();
