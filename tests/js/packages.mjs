// Browser test (issue 23): a trainer creates a workshop from a course package file, sees her
// link first, a setup field survives an immediate reload, pasted questions and cases are added
// only after she confirms, the start page lists the workshop (and forgets it), closing asks
// first, "Skapa kopia" makes a new workshop. Screenshots at 1920x1080, 1366x768 and 390x844.
// usage: node packages.mjs <server-port> <package-file> <screenshot-dir>
import { deadline, session } from "./lib.mjs";

const [, , serverPort, packageFile, shots] = process.argv;
deadline(170_000);

const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, phone, step, newPage, shot } = await session(shots);
const fail = (m) => { throw new Error(m); };
const synced = (p) => p.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
const t0 = Date.now();

step("landing: create from a package file");
const fac = await newPage(big);
await fac.goto(`${base}/`);
await fac.locator("#new-package").setInputFiles(packageFile);
await fac.getByText("Kurspaket: Barnkonventionen i praktiken (frågor: 3, fall: 3, grupper: 3).").waitFor();
if ((await fac.locator("#new-title").inputValue()) !== "Barnkonventionen i praktiken") fail("the title was not taken from the package");
if (await fac.locator("#new-groups").count()) fail("the groups field is shown beside a package");
await shot(fac, "landing-package-1920");
await fac.getByRole("button", { name: "Skapa workshop" }).click();
await fac.waitForURL(/\/f\//, { timeout: 30_000 });
const facToken = fac.url().split("/f/")[1];
console.log(`FACILITATOR=${facToken}`);
console.log(`SETUP-FROM-PACKAGE-MS=${Date.now() - t0}`);

step("her link first");
const banner = fac.locator(".new-link");
await banner.waitFor({ timeout: 30_000 });
if (!(await banner.locator("code").innerText()).endsWith(`/f/${facToken}`)) fail("the banner shows another link");
const mail = await banner.getByRole("link", { name: "Mejla länken till mig" }).getAttribute("href");
if (!mail.startsWith("mailto:?subject=") || !decodeURIComponent(mail).includes(`/f/${facToken}`)) fail(`mailto: ${mail}`);
await synced(fac);
await shot(fac, "facilitator-new-link-1920");
for (const [name, viewport] of [["1366", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
  await fac.setViewportSize(viewport);
  await shot(fac, `facilitator-new-link-${name}`);
}
await fac.setViewportSize(big.viewport);
await banner.getByRole("button", { name: "Jag har sparat länken" }).click();
if (await banner.count()) fail("the banner stays after she saved the link");

step("setup: a question typed and reloaded at once is still there");
await fac.getByRole("tab", { name: "Förbered" }).click();
await fac.getByRole("button", { name: "Lägg till fråga" }).click();
const q = fac.locator('input[id^="q-q-"]').last();
await q.waitFor();
await fac.waitForFunction(() => document.activeElement?.id?.startsWith("q-q-"), null, { timeout: 2_000 })
  .catch(() => fail("the new question did not get the focus"));
if (!(await q.evaluate((el) => el === document.activeElement))) fail("the new question did not get the focus");
await q.pressSequentially("Vad gör vi på måndag?");
// No Tab, no blur: a second later the page is gone.
await fac.waitForTimeout(1000);
await fac.reload();
await fac.getByRole("tab", { name: "Förbered" }).click();
const kept = await fac.locator('input[id^="q-q-"]').last().inputValue();
if (kept !== "Vad gör vi på måndag?") fail(`after the reload the question reads ${JSON.stringify(kept)}`);
await synced(fac);

step("setup: a case's own link and a question's tip");
if ((await fac.locator("#cl-c1-0-u").inputValue()) !== "https://www.barnombudsmannen.se/barnkonventionen/") fail("the package's case link is not in the setup");
await fac.locator("#add-link-c2").click();
await fac.locator("#cl-c2-0-t").waitFor();
// The focus follows the render that adds the field (within a second on a busy machine).
await fac.waitForFunction(() => document.activeElement?.id === "cl-c2-0-t", null, { timeout: 2_000 })
  .catch(() => fail("the new link did not get the focus"));
await fac.locator("#cl-c2-0-t").pressSequentially("Kommentar (film)");
await fac.locator("#cl-c2-0-u").pressSequentially("https://example.org/film");
await fac.locator("#qn-q3").evaluate((el) => el.closest("details").open = true);
await fac.locator("#qn-q3").pressSequentially("Sammanfatta högt.");
await fac.locator("#cf-c3").check();
const own = fac.locator("#cf-c3-conclusions");
await own.waitFor();
await own.fill("Vad gör vi för Omar?");
await fac.waitForTimeout(1000);
await synced(fac);

step("setup: paste questions and cases, confirm");
const before = await fac.locator('input[id^="q-"]').count();
await fac.getByRole("button", { name: "Klistra in frågor och fall" }).click();
await fac.locator("#paste-text").fill(
  "Diskussionsfrågor\n\n• Hur märks barnets bästa i era beslut?\n• Vem pratar med barnet?\n\nFallet Ali\nAli är 12 år och bor i ett familjehem sedan två år.\nHan vill träffa sin mamma oftare.\n\nSida 3 av 12\n");
await fac.getByRole("button", { name: "Visa förslag" }).click();
await fac.getByText("Förslag – frågor: 2, fall: 1.").waitFor();
if ((await fac.locator('input[id^="q-"]').count()) !== before) fail("something was added before she confirmed");
await fac.locator("#paste-area").selectOption("Vuxen");
await shot(fac, "facilitator-paste-1920");
await fac.setViewportSize(phone.viewport);
await shot(fac, "facilitator-paste-phone");
await fac.setViewportSize(big.viewport);
await fac.getByRole("button", { name: "Lägg till förslaget" }).click();
await fac.getByText("Tillagt – frågor: 2, fall: 1.").waitFor();
if ((await fac.locator('input[id^="q-"]').count()) !== before + 2) fail("the questions were not added");
await fac.locator('input[value="Fallet Ali"], input[id^="c-c-"]').first().waitFor();
await synced(fac);
await shot(fac, "facilitator-setup-1920");
console.log(`SETUP-FROM-PASTE-MS=${Date.now() - t0}`);

step("the plenary shows her the trainer's tips");
await fac.getByRole("tab", { name: "Storgrupp" }).click();
await fac.getByText("Tips till dig: Låt alla säga något kort innan ni går vidare.").waitFor();
await fac.getByText("Tips till dig: Sammanfatta högt.").waitFor();

step("closing asks first");
await fac.getByRole("tab", { name: "Grupperna nu" }).click();
let asked = "";
fac.removeAllListeners("dialog");
fac.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
await fac.getByRole("button", { name: "Stängd" }).click();
if (!asked.includes("raderas")) fail(`closing did not ask: ${asked}`);
if ((await fac.getByRole("button", { name: "Stängd" }).getAttribute("aria-pressed")) !== "false") fail("closed without a yes");
fac.on("dialog", (d) => d.accept());

step("the start page lists this computer's workshops");
await fac.goto(`${base}/`);
const mine = fac.locator(".mine");
await mine.getByRole("link", { name: "Barnkonventionen i praktiken" }).waitFor({ timeout: 30_000 });
if (!(await mine.innerText()).includes("Förberedelse")) fail("a new workshop starts in Förberedelse");
await shot(fac, "landing-mine-1920");
await fac.setViewportSize(phone.viewport);
await shot(fac, "landing-mine-phone");
await fac.setViewportSize(big.viewport);

step("Skapa kopia");
await mine.getByRole("link", { name: "Barnkonventionen i praktiken" }).click();
await fac.waitForURL(/\/f\//);
await fac.getByRole("tab", { name: "Förbered" }).click();
await fac.locator("#copy-date").fill("2031-05-20");
await fac.getByRole("button", { name: "Skapa kopian" }).click();
await fac.waitForURL((u) => u.pathname.startsWith("/f/") && !u.pathname.endsWith(facToken), { timeout: 30_000 });
const copyToken = fac.url().split("/f/")[1];
console.log(`COPY=${copyToken}`);
await fac.locator(".new-link").waitFor({ timeout: 30_000 });
await synced(fac);

step("forget one on the start page");
await fac.goto(`${base}/`);
await fac.locator(".mine li").nth(1).waitFor();
if ((await fac.locator(".mine li").count()) !== 2) fail("both workshops are listed");
await fac.getByRole("button", { name: "Glöm Barnkonventionen i praktiken på den här datorn" }).first().click();
if ((await fac.locator(".mine li").count()) !== 1) fail("forgetting did not take it off the list");

if (errors.length) fail(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
