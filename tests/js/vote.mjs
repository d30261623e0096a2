// Browser test (issue 24): dot-voting. The facilitator opens a vote on the first question's
// answers; a room (a named device) places its three dots with the keyboard alone, and can
// place no fourth; her plenary and the big screen rank the answers live; one click makes the
// top answer an action; she closes the vote and the room sees it closed.
// usage: node vote.mjs <server-port> <facilitator-token> <group-token> <screenshot-dir>
import { deadline, fail, session, synced } from "./lib.mjs";

const [, , serverPort, facToken, groupToken, shots] = process.argv;
deadline(120_000);
const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, step, newPage, shot } = await session(shots);
const focusTo = async (page, label) => {
  for (let i = 0; i < 120; i++) {
    if (await page.evaluate((l) => document.activeElement?.textContent === l, label)) return;
    await page.keyboard.press("Tab");
  }
  fail(`the keyboard never reached "${label}"`);
};

step("the room names its device");
const grp = await newPage(big);
await grp.goto(`${base}/g/${groupToken}`);
await synced(grp);
await grp.locator("#device-label").fill("Konferensrum 5");
await grp.getByRole("button", { name: "Spara namnet" }).click();

step("she opens a vote on the groups' questions for the plenary, then on the first question");
const fac = await newPage(big);
await fac.goto(`${base}/f/${facToken}`);
await synced(fac);
await fac.getByRole("tab", { name: "Storgrupp" }).click();
await fac.getByRole("button", { name: "Rösta om ”Frågor till storgruppen” i alla fall" }).click();
await grp.locator(".vote").getByText("Omröstning: Frågor till storgruppen").waitFor({ timeout: 30_000 });
await grp.locator(".vote .vote-group", { hasText: "Barn och unga · Elsa, 9 år" }).waitFor();
await fac.getByRole("button", { name: "Rösta om svaren" }).first().click();
await grp.locator(".vote").getByText("Omröstning: Vad tar ni med er från föreläsningen?").waitFor({ timeout: 30_000 });
await fac.locator(".vote.results").waitFor();

step("the room places its dots by keyboard");
await grp.locator(".vote").getByText("Den här enheten har 3 av 3 prickar kvar.").waitFor({ timeout: 30_000 });
await grp.locator("body").click({ position: { x: 5, y: 5 } });
await focusTo(grp, "Lägg en prick på svaret från Vuxen");
await grp.keyboard.press("Enter");
await grp.getByText("Den här enheten har 2 av 3 prickar kvar.").waitFor();
await grp.keyboard.press("Enter");
await grp.getByText("Den här enheten har 1 av 3 prickar kvar.").waitFor();
await focusTo(grp, "Lägg en prick på svaret från Barn och unga");
await grp.keyboard.press("Enter");
await grp.getByText("Den här enheten har 0 av 3 prickar kvar.").waitFor();
const disabled = await grp.locator(".vote button", { hasText: "Lägg en prick" }).evaluateAll((bs) => bs.every((b) => b.disabled));
if (!disabled) fail("a fourth dot could be placed");
await synced(grp);
await shot(grp, "group-vote-1920");

step("her plenary ranks the answers live");
const first = fac.locator(".vote.results li").first();
await first.getByText("Prickar: 2").waitFor({ timeout: 30_000 });
await first.getByText("Läs journalen tillsammans.").waitFor();
await fac.locator(".vote.results li").nth(1).getByText("Prickar: 1").waitFor();
await shot(fac, "facilitator-vote-1920");

step("the big screen shows the results");
await fac.getByRole("button", { name: "Visa på storskärm" }).click();
await fac.locator(".present-body").waitFor();
for (let i = 0; i < 20 && !(await fac.locator(".present .eyebrow").innerText()).includes("Omröstning"); i++) {
  const before = await fac.locator(".present .eyebrow").innerText();
  await fac.keyboard.press("ArrowRight");
  await fac.waitForFunction((b) => document.querySelector(".present .eyebrow")?.innerText !== b, before, { timeout: 5_000 });
}
await fac.locator(".present .vote-items li").first().getByText("Prickar: 2").waitFor();
await shot(fac, "present-vote-1920");
await fac.keyboard.press("Escape");

step("the top answer becomes an action; she closes the vote");
await fac.locator(".vote.results li").first().getByRole("button", { name: "Gör till åtgärd" }).click();
await fac.locator(".vote.results li").first().getByText("Finns bland åtgärderna").waitFor();
await fac.getByRole("button", { name: "Avsluta omröstningen" }).click();
await synced(fac);
await grp.locator(".vote").getByText("Omröstningen är avslutad.").waitFor({ timeout: 30_000 });

if (errors.length) fail(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
