// Browser test (issue 24): a second round in mixed groups. The facilitator opens "Ny omgång
// i blandade grupper", sees groups that each draw from every area, renames one and starts
// round 2; its link appears under Länkar, the mixed group's page says where its people came
// from and takes notes; the plenary shows the newest round, switches to round 1, and shows
// all rounds side by side, on the big screen too. Screenshots at 1920x1080, 1366x768 and 390x844.
// usage: node rounds.mjs <server-port> <facilitator-token> <screenshot-dir>
import { deadline, fail, session, synced } from "./lib.mjs";

const [, , serverPort, facToken, shots] = process.argv;
deadline(120_000);
const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, phone, step, newPage, shot } = await session(shots);
// Scroll a part of the page to just below the sticky header, for its screenshot.
const show = (loc) => loc.evaluate((el) => {
  (el.closest("article") ?? el).scrollIntoView();
  const head = document.querySelector("header.top");
  if (head && getComputedStyle(head).position === "sticky") window.scrollBy(0, -head.offsetHeight - 8);
});
const sizes = [["1366", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }], ["1920", { width: 1920, height: 1080 }]];

step("facilitator: the proposal");
const fac = await newPage(big);
await fac.goto(`${base}/f/${facToken}`);
await synced(fac);
await fac.getByRole("button", { name: "Ny omgång i blandade grupper…" }).click();
await fac.locator("#new-round-h").waitFor();
// Three groups of six by default: three new groups, each with two from every area.
const legends = await fac.locator(".nr-group legend").allInnerTexts();
if (legends.join("|") !== "Blandad grupp 1|Blandad grupp 2|Blandad grupp 3") fail(`proposed: ${legends}`);
for (const from of await fac.locator(".nr-from").allInnerTexts()) {
  if (from !== "Från: Barn och unga (2), Vuxen (2), Funktionsstöd (2)") fail(`a group draws: ${from}`);
}
// Four groups instead: the 18 people spread 5, 5, 4, 4, each group still from every area.
await fac.locator("#nr-count").fill("4");
await fac.locator("#nr-count").press("Tab");
await fac.locator("#nr-size-3").waitFor();
const shares = await fac.locator(".nr-group input[type=number]").evaluateAll((els) => els.map((e) => e.value));
if (shares.join(",") !== "5,5,4,4") fail(`sizes: ${shares}`);
// Sizes that leave people out: a warning says how many.
for (const i of [0, 1, 2, 3]) {
  await fac.locator(`#nr-size-${i}`).fill("4");
  await fac.locator(`#nr-size-${i}`).press("Tab");
}
await fac.getByText("2 deltagare får ingen plats. Gör någon grupp större.").waitFor({ timeout: 5_000 });
// Back to three groups of six, the first renamed.
await fac.locator("#nr-count").fill("3");
await fac.locator("#nr-count").press("Tab");
await fac.locator("#nr-size-3").waitFor({ state: "detached" });
for (const i of [0, 1, 2]) {
  await fac.locator(`#nr-size-${i}`).fill("6");
  await fac.locator(`#nr-size-${i}`).press("Tab");
}
await fac.getByText(/deltagare får ingen plats/).waitFor({ state: "detached", timeout: 5_000 });
await fac.locator("#nr-name-0").fill("Tvärgrupp Norr");
for (const [name, viewport] of sizes) {
  await fac.setViewportSize(viewport);
  await show(fac.locator("#new-round-h"));
  await shot(fac, `new-round-${name}`);
}
await fac.getByRole("button", { name: "Starta omgång 2" }).click();
await fac.getByText("Omgång 2 har startat. De nya länkarna finns under Länkar.").waitFor({ timeout: 10_000 });
await synced(fac);
await fac.locator(".round-links h3", { hasText: "Omgång 2" }).waitFor();
await shot(fac, "live-two-rounds-1920");

step("facilitator: the new links, newest round first");
await fac.getByRole("tab", { name: "Länkar" }).click();
const round2 = fac.locator("section.round-links", { has: fac.locator("h2", { hasText: "Omgång 2" }) });
const card = round2.locator(".link-card", { has: fac.locator("h3", { hasText: "Tvärgrupp Norr" }) });
await card.waitFor({ timeout: 30_000 });
const heads = await fac.locator("section.round-links h2").allInnerTexts();
if (heads.join("|") !== "Omgång 2|Omgång 1") fail(`link sections: ${heads}`);
const link = await card.locator("input").inputValue();
const groupPath = new URL(link).pathname;
if (!groupPath.startsWith("/g/")) fail(`not a group link: ${link}`);

step("the mixed group: where its people came from, its own notes");
const grp = await newPage(phone);
await grp.goto(`${base}${groupPath}`);
await grp.locator("h1", { hasText: "Tvärgrupp Norr" }).waitFor({ timeout: 30_000 });
const origin = await grp.locator("header .origin").innerText();
if (origin !== "Omgång 2 · blandad: Barn och unga, Vuxen, Funktionsstöd") fail(`origin: ${origin}`);
await synced(grp);
if (await grp.locator(".case").count()) fail("a mixed group on shared questions got an area's cases");
await grp.locator("#a-q1").fill("Vi blandade oss och lärde av varandra.");
await synced(grp);
await shot(grp, "mixed-group-phone");

step("facilitator: the plenary, per round and side by side");
await fac.getByRole("tab", { name: "Storgrupp" }).click();
const pick = fac.locator("#round-switch");
await pick.waitFor();
if ((await pick.inputValue()) !== "2") fail("the plenary does not start at the newest round");
const mixed = fac.locator(".answer", { hasText: "Vi blandade oss och lärde av varandra." });
await mixed.first().waitFor({ timeout: 30_000 });
if ((await mixed.first().locator(".origin").innerText()) !== "Omgång 2 · blandad: Barn och unga, Vuxen, Funktionsstöd") {
  fail("the answer does not say where it came from");
}
await pick.selectOption("1");
await mixed.first().waitFor({ state: "detached" });
await fac.locator(".answer h4", { hasText: "Vuxen" }).first().waitFor();
await pick.selectOption("all");
await fac.locator(".by-round.cols-2").first().waitFor();
const cols = await fac.locator(".by-round").first().locator(".round-head").allInnerTexts();
if (cols.join("|") !== "Omgång 1|Omgång 2") fail(`columns: ${cols}`);
await mixed.first().waitFor();
const md = await fac.locator("a", { hasText: "Markdown" }).first().getAttribute("href");
if (md.includes("round=")) fail(`all rounds exports one round: ${md}`);
for (const [name, viewport] of sizes) {
  await fac.setViewportSize(viewport);
  await show(fac.locator(".by-round").first());
  await shot(fac, `plenary-all-rounds-${name}`);
}
// The two columns stand side by side on the conference screen and stack on a phone.
const tops = async () => fac.locator(".by-round").first().locator(".round-col").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
const [a, b] = await tops();
if (Math.abs(a - b) > 1) fail(`the rounds are not side by side at 1920: ${a}, ${b}`);
await fac.setViewportSize({ width: 390, height: 844 });
const [c, d] = await tops();
if (!(d > c)) fail(`the rounds do not stack on a phone: ${c}, ${d}`);

step("facilitator: the big screen shows every round, each card saying its round");
await fac.setViewportSize({ width: 1920, height: 1080 });
await fac.getByRole("button", { name: "Visa på storskärm" }).click();
await fac.locator(".present .card").first().waitFor();
const badges = await fac.locator(".present .badge.round").allInnerTexts();
if (!badges.includes("Omgång 1") || !badges.includes("Omgång 2")) fail(`round badges: ${badges}`);
if (!(await fac.locator(".present").innerText()).includes("Alla omgångar")) fail("the big screen does not say it shows all rounds");
await shot(fac, "present-all-rounds-1920");
await fac.setViewportSize({ width: 1366, height: 768 });
await shot(fac, "present-all-rounds-1366");
await fac.keyboard.press("Escape");
await pick.waitFor();

if (errors.length) fail(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
