// Accessibility: axe-core (WCAG 2.1 A/AA rules) on every view in Swedish and English at
// 1920x1080 and 390x844 with 0 violations allowed; no sideways scrolling at 320 px and at
// 200 % zoom; a keyboard-only group answer and a keyboard-only facilitator moving the
// presentation to the next question. Screenshots of every view, in both languages.
// usage: node a11y.mjs <server-port> <facilitator-token> <group-token> <catch-up-token> <dir>
import { createRequire } from "node:module";
import { deadline, dumpOnFailure, launch } from "./lib.mjs";

const [, , serverPort, fac, group, catchUp, shots] = process.argv;
deadline(280_000);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const base = `http://127.0.0.1:${serverPort}`;
const browser = await launch();
const pages = [];
dumpOnFailure(pages, shots);
const step = (m) => console.log(`step: ${m}`);
const problems = [];

// Each view: a name, a path, and what to do once it has loaded.
const synced = (p) => p.locator(".status").getByText(/Synkat med servern|Synced with the server/).waitFor({ timeout: 30_000 });
const current = (p) => p.locator(".status").getByText(/Du ser det senaste|You see the latest/).waitFor({ timeout: 30_000 });
const tab = (name) => async (p) => { await synced(p); await p.getByRole("tab", { name }).click(); };
const views = [
  ["landing", "/", async (p) => p.locator("#new-title").waitFor()],
  ["statement", "/tillganglighet", async (p) => p.locator("h1").waitFor()],
  ["privacy", "/integritet", async (p) => p.locator("h1").waitFor()],
  ["invalid-link", "/g/AAAAAAAAAAAAAAAAAAAAAA", async (p) => p.locator(".error").waitFor()],
  ["group", `/g/${group}`, synced],
  ["facilitator-live", `/f/${fac}`, synced],
  ["facilitator-plenary", `/f/${fac}`, tab(/Storgrupp|Plenary/)],
  ["facilitator-setup", `/f/${fac}`, tab(/Förbered|Prepare/)],
  ["facilitator-links", `/f/${fac}`, async (p) => { await tab(/Länkar|Links/)(p); await p.locator("img.qr").first().waitFor(); }],
  ["facilitator-links-mail", `/f/${fac}`, async (p) => {
    await tab(/Länkar|Links/)(p);
    await p.locator("details.mail summary").last().click();
    await p.locator("details.mail textarea").last().waitFor();
  }],
  ["facilitator-follow-up", `/f/${fac}`, async (p) => {
    await tab(/Uppföljning|Follow-up/)(p);
    await p.locator(".fu-action select").first().waitFor();
    await p.locator(".qs-item").nth(1).waitFor();
    await p.locator(".question-sorter details summary").click();
  }],
  ["presentation", `/f/${fac}`, async (p) => {
    await tab(/Storgrupp|Plenary/)(p);
    await p.getByRole("button", { name: /Visa på storskärm|Show on the big screen/ }).click();
    await p.locator(".present h1").waitFor();
  }],
  ["presentation-vote", `/f/${fac}`, async (p) => {
    await tab(/Storgrupp|Plenary/)(p);
    await p.getByRole("button", { name: /Visa på storskärm|Show on the big screen/ }).click();
    await p.locator(".present h1").waitFor();
    for (let i = 0; i < 20 && !(await p.locator(".present .vote-items").count()); i++) {
      await p.getByRole("button", { name: /Nästa|Next/ }).click();
    }
    await p.locator(".present .vote-items").waitFor();
  }],
  ["facilitator-new-round", `/f/${fac}`, async (p) => {
    await synced(p);
    await p.getByRole("button", { name: /Ny omgång i blandade grupper|New round in mixed groups/ }).click();
    await p.locator("#new-round-h").waitFor();
  }],
  ["facilitator-plenary-all-rounds", `/f/${fac}`, async (p) => {
    await tab(/Storgrupp|Plenary/)(p);
    await p.locator("#round-switch").selectOption("all");
    await p.locator(".by-round").first().waitFor();
  }],
  ["facilitator-history", `/f/${fac}`, async (p) => { await tab(/Historik|History/)(p); await p.locator(".history").waitFor(); }],
  ["facilitator-new-link", `/f/${fac}`, async (p) => {
    await p.evaluate((t) => localStorage.setItem(`samtal:new:${t}`, "true"), fac);
    await p.reload();
    await p.locator(".new-link").waitFor();
    await synced(p);
  }],
  ["facilitator-paste", `/f/${fac}`, async (p) => {
    await p.evaluate((t) => localStorage.removeItem(`samtal:new:${t}`), fac);
    await tab(/Förbered|Prepare/)(p);
    await p.locator("#paste-open").click();
    await p.locator("#paste-text").fill("1. Vad hände?\n2. Vad gör vi nu?\n\nFallet Ali\nAli är 12 år.\n\nSida 3\n");
    await p.locator("#paste-propose").click();
    await p.locator(".proposal").waitFor();
  }],
  ["landing-mine", "/", async (p) => p.locator(".mine li").first().waitFor()],
  ["catch-up", `/c/${catchUp}`, current],
  ["catch-up-history", `/c/${catchUp}`, async (p) => {
    await current(p);
    await p.getByRole("button", { name: /Visa historiken|Show the history/ }).click();
    await p.locator(".history").waitFor();
  }],
];
const sizes = [["1920", { width: 1920, height: 1080 }], ["phone", { width: 390, height: 844 }]];

for (const lang of ["sv", "en"]) {
  for (const [size, viewport] of sizes) {
    step(`axe: ${lang} ${size}`);
    // bypassCSP: the app forbids inline scripts, and axe is injected as one.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    await context.addInitScript((l) => localStorage.setItem("samtal:lang", JSON.stringify(l)), lang);
    const page = await context.newPage();
    pages.push(page);
    for (const [name, path, ready] of views) {
      await page.goto(`${base}${path}`);
      await ready(page);
      await page.waitForTimeout(150);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(() => axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      }));
      for (const v of result.violations) {
        problems.push(`${lang} ${size} ${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      }
      const lang_ = await page.evaluate(() => document.documentElement.lang);
      if (lang_ !== lang) problems.push(`${lang} ${size} ${name}: <html lang="${lang_}">`);
      await page.screenshot({ path: `${shots}/a11y-${name}-${lang}-${size}.png` });
    }
    await context.close();
  }
}

step("reflow: 320 px wide and 200 % zoom (1280 px at 200 % = 640 px)");
for (const width of [320, 640]) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  pages.push(page);
  for (const [name, path, ready] of views) {
    await page.goto(`${base}${path}`);
    await ready(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) problems.push(`${width}px ${name}: scrolls sideways by ${overflow}px`);
  }
  await context.close();
}

step("keyboard only: a group answers a question");
const kb = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
const gp = await kb.newPage();
pages.push(gp);
await gp.goto(`${base}/g/${group}`);
await synced(gp);
await gp.keyboard.press("Tab");
const first = await gp.evaluate(() => document.activeElement?.textContent);
if (!/Hoppa till innehållet/.test(first ?? "")) problems.push(`first Tab is not the skip link: ${first}`);
const focusTo = async (page, test, what) => {
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate(test)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`keyboard never reached ${what}`);
};
await focusTo(gp, () => document.activeElement?.id === "a-q1", "the first answer");
const ring = await gp.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
if (ring === "none") problems.push("no visible focus on the answer field");
await gp.keyboard.type("Skrivet med tangentbordet.");
await synced(gp);
const view = await (await fetch(`${base}/api/plenary/${fac}`)).json();
const text = view.questions[0].answers.find((a) => a.group_id === "g1").text;
if (!text.includes("Skrivet med tangentbordet.")) problems.push(`server has ${JSON.stringify(text)}`);

step("keyboard only: the facilitator moves the plenary to the next question");
const fp = await kb.newPage();
pages.push(fp);
await fp.goto(`${base}/f/${fac}`);
await synced(fp);
await focusTo(fp, () => document.activeElement?.getAttribute("role") === "tab" && /Storgrupp/.test(document.activeElement.textContent), "the plenary tab");
await fp.keyboard.press("Enter");
await focusTo(fp, () => /Visa på storskärm/.test(document.activeElement?.textContent ?? ""), "the presentation button");
await fp.keyboard.press("Enter");
const q = fp.locator(".present h1");
await q.waitFor();
const q1 = await q.innerText();
await fp.keyboard.press("ArrowRight");
await fp.waitForFunction((before) => document.querySelector(".present h1")?.innerText !== before, q1, { timeout: 5_000 });
const q2 = await q.innerText();
if (q2 !== view.questions[1].text) problems.push(`ArrowRight showed ${q2}`);
await fp.keyboard.press("Escape");
await fp.getByRole("tab", { name: "Storgrupp" }).waitFor();

if (problems.length) {
  console.error(problems.join("\n"));
  throw new Error(`${problems.length} accessibility problems`);
}
await browser.close();
console.log("BROWSER-OK");
process.exit(0);
