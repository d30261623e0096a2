// Browser test: a facilitator creates a workshop in the UI, adds a question offline-capable
// (setup editor), a group types (with hostile markup) and lifts its answer, the plenary shows
// it live, presentation mode works, the catch-up page shows it; screenshots at 1920x1080 and
// at phone width. usage: node facilitator.mjs <server-port> <screenshot-dir>
import { deadline, session } from "./lib.mjs";

const [, , serverPort, shots] = process.argv;
deadline(150_000);

const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, big, phone, step, newPage, shot } = await session(shots);

const EVIL = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>[x](javascript:window.__pwned=3)`;

step("landing: create a workshop");
const fac = await newPage(big);
// The landing page asks /api/me who is signed in; its answer re-renders the form. Hold it
// until she has typed, so that a field bound too late (on leaving it) shows as emptied.
let releaseMe;
const meHeld = new Promise((resolve) => (releaseMe = resolve));
await fac.route("**/api/me", async (route) => {
  await meHeld;
  await route.continue();
});
await fac.goto(`${base}/`);
const TITLE = "Barnets rättigheter i vardagen";
await fac.locator("#new-title").fill(TITLE);
await fac.locator("#new-groups").fill("Barn och unga\nVuxen\nFunktionsstöd");
const meAnswered = fac.waitForResponse((r) => r.url().endsWith("/api/me"));
releaseMe();
await meAnswered;
await fac.waitForTimeout(300);
await fac.unroute("**/api/me");
for (const [field, want] of [["#new-title", TITLE], ["#new-groups", "Barn och unga\nVuxen\nFunktionsstöd"]]) {
  const got = await fac.locator(field).inputValue();
  if (got !== want) throw new Error(`${field} lost what she typed when /api/me answered: ${JSON.stringify(got)}`);
}
await shot(fac, "landing-1920");
await fac.getByRole("button", { name: "Skapa workshop" }).click();
await fac.waitForURL(/\/f\//, { timeout: 30_000 });
const facToken = fac.url().split("/f/")[1];
console.log(`FACILITATOR=${facToken}`);
await fac.getByText("Synkat med servern").waitFor({ timeout: 30_000 });

step("setup: add a question and a material link");
await fac.getByRole("tab", { name: "Förbered" }).click();
await fac.getByRole("button", { name: "Lägg till fråga" }).click();
const q = fac.locator('input[id^="q-"]').first();
await q.waitFor();
await q.fill("Hur kommer barnets röst fram i era utredningar?");
await q.press("Tab");
await fac.getByRole("button", { name: "Lägg till material" }).click();
await fac.locator("#m-0-t").fill("Föreläsningen");
await fac.locator("#m-0-t").press("Tab");
await fac.locator("#m-0-u").fill("javascript:alert(1)");
await fac.locator("#m-0-u").press("Tab");
await fac.getByText("Synkat med servern").waitFor({ timeout: 30_000 });
await shot(fac, "facilitator-setup-1920");

step("links: read the group and catch-up links");
await fac.getByRole("tab", { name: "Länkar" }).click();
await fac.locator(".link-card img.qr").first().waitFor({ timeout: 30_000 });
const groupLink = await fac.locator(".link-card input").first().inputValue();
const catchUpLink = await fac.locator(".link-card input").last().inputValue();
await shot(fac, "facilitator-links-1920");

step("group: type an answer with hostile markup and lift it");
const grp = await newPage(big);
await grp.goto(groupLink.replace(/^https?:\/\/[^/]+/, base));
const answer = grp.locator('textarea[id^="a-"]').first();
await answer.waitFor({ timeout: 30_000 });
await answer.click();
await answer.pressSequentially(`Barnets röst hörs i samtal. ${EVIL}`);
await grp.getByRole("button", { name: /Lyft till storgruppen/ }).first().click();
await grp.getByText("Synkat med servern").waitFor({ timeout: 30_000 });
await shot(grp, "group-1920");

step("facilitator: the plenary shows it live, lifted, inert");
await fac.getByRole("tab", { name: "Storgrupp" }).click();
const card = fac.locator(".answer.lifted .notes", { hasText: "Barnets röst hörs" });
await card.waitFor({ timeout: 30_000 });
const shown = await card.innerText();
if (!shown.includes('<img src=x onerror="window.__pwned=1">')) throw new Error(`markup not shown as text: ${shown}`);
if ((await fac.locator(".answers img").count()) !== 0) throw new Error("an <img> was injected");
if (await fac.evaluate(() => window.__pwned)) throw new Error("injected script ran");
await fac.locator('textarea[id^="s-"]').first().fill("Vi behöver fråga barnen oftare.");
await fac.getByRole("button", { name: "Lägg till åtgärd" }).click();
const what = fac.locator('input[id^="fu-"]').first();
await what.waitFor();
await what.fill("Ta upp på nästa APT");
await what.press("Tab");
await fac.getByText("Synkat med servern").waitFor({ timeout: 30_000 });
await shot(fac, "facilitator-plenary-1920");

step("facilitator: the groups now");
await fac.getByRole("tab", { name: "Grupperna nu" }).click();
await fac.getByText("Ansluten", { exact: true }).first().waitFor({ timeout: 30_000 });
await fac.getByText("Frågor med anteckningar: 1 av 1").waitFor({ timeout: 30_000 });
await shot(fac, "facilitator-live-1920");

step("presentation mode");
await fac.getByRole("tab", { name: "Storgrupp" }).click();
await fac.getByRole("button", { name: "Visa på storskärm" }).click();
await fac.locator(".present h1", { hasText: "Hur kommer barnets röst fram" }).waitFor();
await shot(fac, "presentation-1920");
await fac.keyboard.press("Escape");
await fac.getByRole("tab", { name: "Storgrupp" }).waitFor();

step("catch-up page");
const cu = await newPage(big);
await cu.goto(catchUpLink.replace(/^https?:\/\/[^/]+/, base));
await cu.getByText("Vi behöver fråga barnen oftare.").waitFor({ timeout: 30_000 });
await cu.getByText("Ta upp på nästa APT").waitFor({ timeout: 30_000 });
if ((await cu.locator('a[href^="javascript"]').count()) !== 0) throw new Error("javascript: link rendered");
// The notes are not editable there; the one field is the question box for the follow-up.
if ((await cu.locator("textarea:not(#qbox-text)").count()) !== 0) throw new Error("catch-up page is editable");
if ((await cu.locator("textarea").count()) !== 1) throw new Error("no question box on the catch-up page");
await shot(cu, "catchup-1920");

step("exports are inert");
const html = await (await cu.request.get(`${base}/api/export/${facToken}/plenary.html`)).text();
if (html.includes("<img src=x") || html.includes("<script>window")) throw new Error("HTML export not escaped");
if (!html.includes("&lt;img src=x")) throw new Error("HTML export lost the text");

step("phone width");
for (const [page, name] of [[grp, "group"], [fac, "facilitator-plenary"], [cu, "catchup"]]) {
  await page.setViewportSize(phone.viewport);
  await page.waitForTimeout(200);
  await shot(page, `${name}-phone`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 2) throw new Error(`${name} scrolls sideways on a phone (${overflow}px)`);
}
const landingPhone = await newPage(phone);
await landingPhone.goto(`${base}/`);
await landingPhone.locator("#new-title").waitFor();
await shot(landingPhone, "landing-phone");

if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
process.exit(0);
