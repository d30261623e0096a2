// Browser test: history and catch-up. A group names its device and types; the catch-up page
// (first visit) is opened, the group writes more, and the second visit marks exactly the new
// passage; the group's field is then wiped, and the facilitator finds the text in the history
// (attributed to the device) and restores it, which reaches the group live. Screenshots at
// 1920x1080 and at phone width.
// usage: node history.mjs <server-port> <group-token> <facilitator-token> <catch-up-token> <shots>
import { current, deadline, session } from "./lib.mjs";

const [, , serverPort, groupToken, facToken, catchToken, shots] = process.argv;
deadline(150_000);

const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, phone, step, newPage, shot } = await session(shots);
const synced = (page) => page.getByText("Synkat med servern").waitFor({ timeout: 30_000 });
const expect = (ok, what) => {
  if (!ok) throw new Error(what);
};

step("group: name the device, type");
const grp = await newPage(big);
await grp.goto(`${base}/g/${groupToken}`);
await grp.locator("#device-label").waitFor({ timeout: 30_000 });
await shot(grp, "group-device-prompt-1920");
await grp.locator("#device-label").fill("Konferensrum 3");
await grp.getByRole("button", { name: "Spara namnet" }).click();
await grp.getByText("Den här enheten: Konferensrum 3").waitFor();
const answer = grp.locator('textarea[id^="a-"]').first();
await answer.click();
await answer.pressSequentially("Barnets bästa först.");
await synced(grp);

step("catch-up: first visit");
const cu = await newPage(big);
await cu.goto(`${base}/c/${catchToken}`);
await cu.getByText("Första besöket på den här datorn").waitFor({ timeout: 30_000 });
await cu.locator(".answer .notes", { hasText: "Barnets bästa först." }).waitFor({ timeout: 30_000 });
await current(cu);
expect((await cu.locator("mark").count()) === 0, "nothing is marked on a first visit");
await cu.goto("about:blank");

step("group: writes more while the catch-up reader is away");
await answer.press("End");
await answer.pressSequentially(" Vi frågar barnet.");
await synced(grp);

step("facilitator: writes a summary while the catch-up reader is away");
const summing = await newPage(big);
await summing.goto(`${base}/f/${facToken}`);
await synced(summing);
await summing.getByRole("tab", { name: "Storgrupp" }).click();
await summing.locator("#s-q1").click();
await summing.locator("#s-q1").pressSequentially("Vi börjar med barnet.");
await synced(summing);
await summing.close();

step("catch-up: second visit marks exactly the new passage");
await cu.goto(`${base}/c/${catchToken}`);
const fresh = cu.locator(".answer.fresh");
await fresh.locator("mark").first().waitFor({ timeout: 30_000 });
const marks = await fresh.locator("mark").allTextContents();
expect(JSON.stringify(marks) === JSON.stringify([" Vi frågar barnet."]), `marked: ${JSON.stringify(marks)}`);
const whole = await fresh.locator(".notes").textContent();
expect(whole === "Barnets bästa först. Vi frågar barnet.", `card text: ${whole}`);
const count = cu.locator(".news-counts a");
const groupCount = count.filter({ hasNotText: "Samtalsledaren" });
await groupCount.getByText(/: 1 nytt eller ändrat fält$/).waitFor();
// The count links to the first change: following it brings the new card into view.
const target = await groupCount.getAttribute("href");
expect(target === `#${await fresh.getAttribute("id")}`, `the count links to ${target}`);
// The facilitator's summary is news too, linked to its question.
const hers = count.filter({ hasText: "Samtalsledaren: 1 nytt eller ändrat fält" });
await hers.waitFor();
expect((await hers.getAttribute("href")) === "#question-q1", `her count links to ${await hers.getAttribute("href")}`);
expect((await count.count()) === 2, `${await count.count()} counts`);
expect((await cu.locator(".answer.fresh").count()) === 1, "one card is new");
await shot(cu, "catchup-news-1920");
await cu.setViewportSize(phone.viewport);
await shot(cu, "catchup-news-390");
const sideways = await cu.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
expect(!sideways, "no sideways scrolling on a phone");
await cu.setViewportSize(big.viewport);

step("catch-up: the history is there too, read-only");
await cu.getByRole("button", { name: "Visa historiken" }).click();
await cu.locator("#history-slider").waitFor();
expect((await cu.getByRole("button", { name: "Återställ den här texten" }).count()) === 0, "catch-up cannot restore");

step("group: the field is wiped on the shared PC");
await answer.fill("");
await synced(grp);

step("facilitator: finds the text in the history and restores it");
const fac = await newPage(big);
await fac.goto(`${base}/f/${facToken}`);
await fac.locator("#device-label").waitFor({ timeout: 30_000 });
await fac.locator("#device-label").fill("Samordnaren");
await fac.getByRole("button", { name: "Spara namnet" }).click();
await fac.getByRole("tab", { name: "Historik" }).click();
const slider = fac.locator("#history-slider");
await slider.waitFor({ timeout: 30_000 });
const field = fac.locator(".history-field").first();
await field.getByText("Fältet fanns inte ännu, eller var tomt.").waitFor({ timeout: 30_000 });
await slider.focus();
let found = false;
for (let i = 0; i < 10 && !found; i++) {
  await slider.press("ArrowLeft");
  found = ((await field.locator(".notes").textContent().catch(() => "")) ?? "").includes("Vi frågar barnet.");
}
expect(found, "the text before the wipe is in the history");
const who = await field.locator(".notes span").first().getAttribute("title");
expect(who?.startsWith("Konferensrum 3 · "), `attributed to the device: ${who}`);
await fac.locator(".legend").getByText("Konferensrum 3").waitFor();
await shot(fac, "facilitator-history-1920");
await field.getByRole("button", { name: "Återställ den här texten" }).click();
await fac.getByText("Texten är återställd").waitFor({ timeout: 10_000 });
await synced(fac);
await fac.setViewportSize(phone.viewport);
await shot(fac, "facilitator-history-390");
const sideways2 = await fac.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
expect(!sideways2, "no sideways scrolling in the history on a phone");

step("group: the restored text arrives live");
await grp.waitForFunction(
  (id) => document.getElementById(id)?.value === "Barnets bästa först. Vi frågar barnet.",
  await answer.getAttribute("id"),
  { timeout: 30_000 },
);

expect(errors.length === 0, `page errors: ${errors.join("; ")}`);
console.log("BROWSER-OK");
await browser.close();
