// Browser test (issue 24): presentation mode fits the screen. For a workshop of 4 groups and
// one of 8, at 1920x1080 and 1366x768, every slide is walked with the arrow keys alone; on
// each, every card and the navigation lie inside the window, nothing is cut off or scrolls,
// and each question shows every group once, in the facilitator's order, over one page or more.
// usage: node present.mjs <server-port> <facilitator-token-4> <facilitator-token-8> <screenshot-dir>
import { deadline, fail, session } from "./lib.mjs";

const [, , serverPort, four, eight, shots] = process.argv;
deadline(160_000);
const base = `http://127.0.0.1:${serverPort}`;
const { browser, errors, step, newPage, shot } = await session(shots);

/// What is wrong with the slide on screen now (nothing: an empty list).
const problems = () => {
  const [vw, vh] = [innerWidth, innerHeight];
  const out = [];
  const inside = (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -0.5 && r.left >= -0.5 && r.bottom <= vh + 0.5 && r.right <= vw + 0.5;
  };
  if (document.scrollingElement.scrollHeight > vh + 1) out.push("the page scrolls");
  const body = document.querySelector(".present-body");
  if (!body) return ["no presentation"];
  if (body.scrollHeight > body.clientHeight + 1) out.push("the slide overflows");
  for (const c of document.querySelectorAll(".present .card")) {
    const name = c.querySelector("h2")?.firstChild?.textContent;
    if (!inside(c)) out.push(`${name} is outside the window`);
    if (c.scrollHeight > c.clientHeight + 1) out.push(`${name} is cut off`);
  }
  for (const b of document.querySelectorAll(".present-nav button")) {
    if (!inside(b)) out.push(`"${b.innerText}" is outside the window`);
  }
  return out;
};

async function walk(label, token, groups, viewport) {
  const size = `${viewport.width}x${viewport.height}`;
  step(`${groups} groups at ${size}`);
  const fac = await newPage({ viewport });
  await fac.goto(`${base}/f/${token}`);
  await fac.locator(".status").getByText("Synkat med servern").waitFor({ timeout: 30_000 });
  await fac.getByRole("tab", { name: "Storgrupp" }).click();
  await fac.getByRole("button", { name: "Visa på storskärm" }).click();
  await fac.locator(".present-body").waitFor();
  const expected = Array.from({ length: groups }, (_, i) => `Grupp ${i + 1}`);
  const seen = new Map(); // question eyebrow → names in order over its pages
  let slides = 0;
  let smallest = 99;
  for (;;) {
    slides += 1;
    try {
      // (The type is fitted right after the slide renders: give it a moment.)
      await fac.waitForFunction(`(${problems.toString()})().length === 0`, null, { timeout: 5_000, polling: 100 });
    } catch {
      fail(`${label} ${size}, slide ${slides}: ${(await fac.evaluate(problems)).join("; ")}`);
    }
    const { eyebrow, names, px } = await fac.evaluate(() => ({
      eyebrow: document.querySelector(".present .eyebrow").innerText,
      names: [...document.querySelectorAll(".present .card h2")].map((h) => h.firstChild.textContent),
      px: parseFloat(getComputedStyle(document.querySelector(".present-body")).fontSize),
    }));
    smallest = Math.min(smallest, px);
    const question = eyebrow.match(/Fråga \d+ av \d+/)?.[0];
    if (question) seen.set(question, [...(seen.get(question) ?? []), ...names]);
    if (slides === 1) await shot(fac, `present-${groups}-groups-${viewport.width}`);
    if (/sida 2 av/.test(eyebrow)) await shot(fac, `present-${groups}-groups-${viewport.width}-page-2`);
    if (/Fall 1 av/.test(eyebrow)) await shot(fac, `present-${groups}-groups-${viewport.width}-case`);
    const next = fac.getByRole("button", { name: "Nästa →" });
    if (await next.isDisabled()) break;
    await fac.keyboard.press("ArrowRight");
    await fac.waitForFunction((before) => document.querySelector(".present .eyebrow")?.innerText !== before,
      eyebrow, { timeout: 5_000 });
    if (slides > 60) fail("the slides never end");
  }
  await shot(fac, `present-${groups}-groups-${viewport.width}-follow-ups`);
  if (seen.size !== 3) fail(`${label} ${size}: questions seen ${[...seen.keys()]}`);
  for (const [q, names] of seen) {
    if (names.join("|") !== expected.join("|")) fail(`${label} ${size}, ${q}: groups shown ${names.join(", ")}`);
  }
  // The keyboard goes back too.
  await fac.keyboard.press("ArrowLeft");
  await fac.getByRole("button", { name: "Nästa →" }).waitFor();
  if (await fac.getByRole("button", { name: "Nästa →" }).isDisabled()) fail("ArrowLeft did not go back");
  await fac.getByRole("button", { name: "Helskärm" }).waitFor();
  console.log(`SLIDES ${groups} ${size} ${slides} smallest-type=${smallest}px`);
  await fac.keyboard.press("Escape");
  await fac.locator(".present").waitFor({ state: "detached" });
  await fac.context().close();
}

for (const viewport of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }]) {
  await walk("four", four, 4, viewport);
  await walk("eight", eight, 8, viewport);
}
if (errors.length) fail(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
