// Sign-in in a real browser (issue 28): a facilitator signs in through the provider's own
// login form (tests/js/oidc-provider.mjs), creates a workshop from the start page, signs
// out, signs in again from a fresh browser profile (a phone) and opens the workshop from
// "Mina workshops"; as an operator erases a workshop on the operators' page, which another
// account may not see. axe-core on "Mina workshops" signed out and signed in, the start page
// and the operators' page, both languages, 1920x1080, 1366x768 and 390x844; screenshots of
// each; a refused sign-in shown on "Mina workshops".
// usage: node signin.mjs <server-port> <dir> <title of a workshop no one owns>
import { createRequire } from "node:module";
import { deadline, fail, session } from "./lib.mjs";

const [, , serverPort, shots, unownedTitle] = process.argv;
deadline(240_000);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// The address the server publishes (the provider sends the browser back there).
const base = `http://localhost:${serverPort}`;
const s = await session(shots);
const problems = [];

async function axe(page, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }));
  for (const v of result.violations) {
    problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }
}

async function signIn(page, user) {
  await page.goto(`${base}/mina`);
  await page.getByRole("link", { name: /^(Logga in|Sign in)$/ }).click();
  await page.locator("input[name=login]").fill(user);
  await page.locator("input[name=password]").fill("any password");
  await page.locator("button[type=submit]").click();
  await page.waitForURL(`${base}/mina`);
  await page.getByText(/Inloggad som|Signed in as/).waitFor();
}

s.step("signed out: Mina workshops offers to sign in");
const a = await s.newPage({ ...s.big, bypassCSP: true });
await a.goto(`${base}/mina`);
await a.getByRole("link", { name: "Logga in" }).waitFor();
await a.screenshot({ path: `${shots}/signin-signed-out-sv-1920.png` });

s.step("a refused sign-in (a forged state) lands on Mina workshops with the reason");
await a.goto(`${base}/auth/login`);
await a.locator("input[name=login]").waitFor();
await a.goto(`${base}/auth/callback?code=x&state=forged`);
await a.waitForURL(`${base}/mina?fel=sign_in_failed`);
await a.getByRole("alert").getByText("Inloggningen gick inte igenom. Försök logga in igen.").waitFor();
await a.screenshot({ path: `${shots}/signin-refused-sv-1920.png` });

s.step("sign in through the provider's form; create a workshop from the start page");
await signIn(a, "anna");
await a.goto(`${base}/`);
await a.locator(".account-line").getByText("Inloggad som Anna Andersson").waitFor();
if (await a.locator("#new-admin").count()) fail("the admin code field is shown to a signed-in facilitator");
await a.locator("#new-title").fill("Inloggad workshop");
await a.locator("#new-groups").fill("Barn och unga\nVuxna");
await a.getByRole("button", { name: "Skapa workshop" }).click();
await a.waitForURL(/\/f\//);
const facilitator = a.url();

s.step("Mina workshops lists it; sign out");
await a.goto(`${base}/mina`);
await a.getByRole("heading", { name: "Inloggad workshop" }).waitFor();
await a.getByText("Ägare: Anna Andersson <anna@kommun.se>", { exact: true }).waitFor();
await a.getByLabel("Dela Inloggad workshop med (e-postadress)").fill("Kollega@Kommun.se");
await a.getByRole("button", { name: "Dela", exact: true }).click();
await a.getByText("Ägare: Anna Andersson <anna@kommun.se>, kollega@kommun.se", { exact: true }).waitFor();
// An address inside another owner's label is still a new owner.
await a.getByLabel("Dela Inloggad workshop med (e-postadress)").fill("na@kommun.se");
await a.getByRole("button", { name: "Dela", exact: true }).click();
await a.getByText("Ägare: Anna Andersson <anna@kommun.se>, kollega@kommun.se, na@kommun.se", { exact: true }).waitFor();
await a.screenshot({ path: `${shots}/signin-mine-sv-1920.png` });
await a.getByRole("button", { name: "Logga ut" }).click();
await a.getByRole("link", { name: "Logga in" }).waitFor();
const me = await a.evaluate(async () => (await fetch("/api/me")).json());
if (me.account !== null) fail(`still signed in after signing out: ${JSON.stringify(me)}`);

s.step("another computer (a phone): sign in, open the workshop from the list");
const b = await s.newPage({ ...s.phone, bypassCSP: true });
await signIn(b, "anna");
await b.getByRole("heading", { name: "Inloggad workshop" }).waitFor();
await b.screenshot({ path: `${shots}/signin-mine-sv-phone.png` });
await b.getByRole("button", { name: "Öppna Inloggad workshop" }).click();
await b.waitForURL(/\/f\//);
if (b.url() !== facilitator) fail(`opened ${b.url()}, created ${facilitator}`);

s.step("the operators' page: every workshop, erase one");
await b.goto(`${base}/drift`);
await b.getByRole("rowheader", { name: "Inloggad workshop" }).waitFor();
await b.getByText("Anna Andersson <anna@kommun.se>").waitFor();
await b.screenshot({ path: `${shots}/signin-admin-sv-phone.png` });
const before = await b.locator(".admin-table tbody tr").count();
await b.getByRole("button", { name: `Radera ${unownedTitle}` }).first().click();
await b.getByText(/är raderad/).waitFor();
if ((await b.locator(".admin-table tbody tr").count()) !== before - 1) fail("the erased workshop is still listed");
const bo = await s.newPage({ ...s.big });
await signIn(bo, "bo");
if (await bo.getByRole("link", { name: /Drift/ }).count()) fail("a non-operator is offered the operators' page");
await bo.goto(`${base}/drift`);
await bo.getByText("Det får bara de som sköter servern göra.").waitFor();

s.step("axe: Mina workshops signed in and signed out, both languages, both sizes");
for (const lang of ["sv", "en"]) {
  for (const [size, opts] of [["1920", s.big], ["1366", { viewport: { width: 1366, height: 768 } }], ["phone", s.phone]]) {
    const p = await s.newPage({ ...opts, bypassCSP: true });
    await p.addInitScript((l) => localStorage.setItem("samtal:lang", JSON.stringify(l)), lang);
    await p.goto(`${base}/mina`);
    await p.getByRole("link", { name: /^(Logga in|Sign in)$/ }).waitFor();
    await axe(p, `${lang} ${size} signed out`);
    await p.screenshot({ path: `${shots}/signin-signed-out-${lang}-${size}.png` });
    await signIn(p, "anna");
    await p.getByRole("heading", { name: "Inloggad workshop" }).waitFor();
    await axe(p, `${lang} ${size} signed in`);
    await p.screenshot({ path: `${shots}/signin-mine-${lang}-${size}.png` });
    await p.goto(`${base}/`);
    await p.locator(".account-line").waitFor();
    await axe(p, `${lang} ${size} start page signed in`);
    await p.goto(`${base}/drift`);
    await p.locator(".admin-table tbody tr").first().waitFor();
    await axe(p, `${lang} ${size} operators' page`);
    await p.screenshot({ path: `${shots}/signin-admin-${lang}-${size}.png` });
  }
}
if (problems.length) fail(`axe:\n${problems.join("\n")}`);
if (s.errors.length) fail(`page errors: ${s.errors.join(" | ")}`);
console.log("SIGNIN-OK");
process.exit(0);
