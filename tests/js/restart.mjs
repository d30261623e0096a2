// Browser test: the server restarts while someone types; nothing is lost and the page carries
// on without a reload. The Rust side restarts the server when this prints RESTART and answers
// UP on stdin. usage: node restart.mjs <server-port> <group-token> <screenshot-dir>
import readline from "node:readline";
import { deadline, dumpOnFailure, launch } from "./lib.mjs";

const [, , serverPort, token, shots] = process.argv;
deadline(120_000);
const lines = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((r) => lines.once("line", r));
const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
dumpOnFailure([page], shots);
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
const synced = (timeout = 30_000) =>
  page.locator(".status").getByText("Synkat med servern").waitFor({ timeout });

await page.goto(`http://127.0.0.1:${serverPort}/g/${token}`);
const field = page.locator("#a-q1");
await field.waitFor({ timeout: 30_000 });
await synced();
await page.evaluate(() => { window.__sameDocument = true; });
await field.click();
await field.pressSequentially("Före. ");
await synced();

console.log("RESTART");
const up = nextLine();
// Keep typing through the restart.
await field.pressSequentially("Under omstarten. ", { delay: 40 });
await up;
await field.pressSequentially("Efter.");
await synced(60_000);
if (!(await page.evaluate(() => window.__sameDocument))) throw new Error("the page reloaded");
if ((await field.inputValue()) !== "Före. Under omstarten. Efter.") throw new Error("text changed");
if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
await browser.close();
console.log("BROWSER-OK");
process.exit(0);
