// Browser test (issue 24): the facilitator starts the countdown and writes a message; a group
// page shows both at once, with the two-minute cue, while the group's typing keeps the focus.
// "Offline" shows within a second of the browser going offline. Closed while the room is
// offline, its text stays on screen and reaches the server once she reopens. Screenshots at 1920x1080,
// 1366x768 and 390x844.
// usage: node liveday.mjs <server-port> <facilitator-token> <group-token> <screenshot-dir>
import { deadline, fail, session, synced } from "./lib.mjs";

const [, , serverPort, facToken, groupToken, shots] = process.argv;
deadline(120_000);
const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, step, newPage, shot } = await session(shots);

step("group: typing");
const grp = await newPage(big);
await grp.goto(`${base}/g/${groupToken}`);
const answer = grp.locator("#a-q1");
await answer.waitFor({ timeout: 30_000 });
await synced(grp);
if ((await grp.locator(".phase-now").innerText()) !== "Förberedelse: dagen har inte börjat än.") fail("the phase is not shown");
await answer.click();
await answer.pressSequentially("Vi börjar ");

step("facilitator: the phase, a countdown and a message");
const fac = await newPage(big);
await fac.goto(`${base}/f/${facToken}`);
await synced(fac);
await fac.getByRole("button", { name: "Gruppsamtal" }).click();
await fac.locator("#timer-minutes").fill("1");
await fac.getByRole("button", { name: "Starta" }).click();
await fac.locator("#message-text").fill("Vi samlas i storgrupp om 5 minuter");
await fac.getByRole("button", { name: "Visa för alla grupper" }).click();
await synced(fac);
await shot(fac, "facilitator-day-controls-1920");

step("group: both arrive, the focus stays in the answer");
await grp.locator(".message", { hasText: "Vi samlas i storgrupp om 5 minuter" }).waitFor({ timeout: 30_000 });
await grp.locator(".countdown.soon .time").waitFor({ timeout: 30_000 });
await grp.getByText("Gruppsamtal pågår.").waitFor();
const first = await grp.locator(".countdown .time").innerText();
await grp.waitForTimeout(2100);
const later = await grp.locator(".countdown .time").innerText();
if (first === later) fail(`the countdown does not count: ${first}`);
if (!(await answer.evaluate((el) => el === document.activeElement))) fail("the countdown took the focus");
await answer.pressSequentially("nu.");
if ((await answer.inputValue()) !== "Vi börjar nu.") fail(`typing was disturbed: ${await answer.inputValue()}`);
await shot(grp, "group-live-1920");
for (const [name, viewport] of [["1366", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
  await grp.setViewportSize(viewport);
  await shot(grp, `group-live-${name}`);
}

step("facilitator: +5 minutes, then the message goes");
await fac.getByRole("button", { name: "+5 minuter" }).click();
await fac.getByRole("button", { name: "Ta bort meddelandet" }).click();
await grp.locator(".countdown:not(.soon) .time").waitFor({ timeout: 30_000 });
await grp.locator(".message").waitFor({ state: "detached", timeout: 30_000 });

step("group: offline shows within a second, and it comes back");
await grp.context().setOffline(true);
const t0 = Date.now();
await grp.locator(".status").getByText(/Offline/).waitFor({ timeout: 1_000 });
console.log(`OFFLINE-SHOWN-MS=${Date.now() - t0}`);
await grp.context().setOffline(false);
await synced(grp);

step("closed while the room was offline: its text stays on screen, held back until she reopens");
await grp.context().setOffline(true);
await grp.locator(".status").getByText(/Offline/).waitFor({ timeout: 5_000 });
await answer.click();
await answer.press("End");
await answer.pressSequentially(" Skrivet offline.");
await fac.getByRole("button", { name: "Stängd" }).click();
await synced(fac);
await grp.context().setOffline(false);
await grp.locator(".held-back").waitFor({ timeout: 30_000 });
await grp.getByText("Stängd – anteckningarna kan inte längre ändras.").waitFor();
if ((await answer.inputValue()) !== "Vi börjar nu. Skrivet offline.") fail(`the unsent text is gone: ${await answer.inputValue()}`);
if (!(await answer.evaluate((el) => el.readOnly))) fail("a closed workshop's answer can still be edited");
await shot(grp, "group-closed-held-back-1920");
console.log("HELD-BACK");
await fac.getByRole("button", { name: "Uppföljning" }).click();
await grp.locator(".held-back").waitFor({ state: "detached", timeout: 30_000 });
await synced(grp);
if (await answer.evaluate((el) => el.readOnly)) fail("reopened, but the answer is still read-only");

if (errors.length) fail(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
