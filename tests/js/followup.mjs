// Issue 25: the follow-up meeting from the facilitator's screen — its date (the catch-up
// window follows), each action's status, new date and comment; the e-mails for the group
// leaders and the catch-up link; the QR sheets printed, one group per A4 page; the question
// box: a question written offline on the catch-up page arrives once online, and the facilitator
// puts it on the meeting's agenda with an item of her own.
// usage: node followup.mjs <server-port> <facilitator-token> <meeting-date> <groups> <catch-up-token> <screenshot-dir>
import { current, deadline, proxy, session, synced } from "./lib.mjs";

const [, , port, fac, meeting, groups, catchUp, shots] = process.argv;
deadline(200_000);
const s = await session(shots);
const base = `http://127.0.0.1:${port}`;
const expect = (ok, what) => {
  if (!ok) throw new Error(what);
};

s.step("the follow-up tab: the meeting's date");
const page = await s.newPage(s.big);
await page.goto(`${base}/f/${fac}`);
await synced(page);
await page.getByRole("tab", { name: "Uppföljning" }).click();
await page.locator("#w-follow-up").fill(meeting);
await page.locator("#w-follow-up").press("Tab");
await page.getByText(/Efterhandslänken fungerar till och med/).waitFor();

s.step("each action: status, new date, comment");
await page.getByText("0 av 2 klara").waitFor();
await page.locator("#fu-f1-st").selectOption("in_progress");
await page.locator("#fu-f1-new-due").fill("2027-03-01");
await page.locator("#fu-f1-new-due").press("Tab");
await page.locator("#fu-f1-comment").fill("Väntar på lokalen");
await page.locator("#fu-f2-st").selectOption("done");
await page.getByText("1 av 2 klara").waitFor();
await page.locator("#fu-f1-comment").press("Tab");
await synced(page);
// The comment is sent when the field is left; wait until the server has all of it.
const onServer = async () => {
  const r = await fetch(`${base}/api/plenary/${fac}`);
  const v = await r.json();
  const f1 = v.follow_up.find((f) => f.id === "f1");
  const f2 = v.follow_up.find((f) => f.id === "f2");
  return v.follow_up_date === meeting && f1?.comment === "Väntar på lokalen" && f1?.new_due === "2027-03-01"
    && f1?.status === "in_progress" && f2?.status === "done";
};
for (let i = 0; !(await onServer()); i++) {
  expect(i < 100, "the follow-up meeting never reached the server");
  await page.waitForTimeout(200);
}
for (const [name, viewport] of [["1920", { width: 1920, height: 1080 }], ["1366", { width: 1366, height: 768 }], ["390", { width: 390, height: 844 }]]) {
  await page.setViewportSize(viewport);
  await s.shot(page, `follow-up-${name}`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  expect(!sideways, `the follow-up tab scrolls sideways at ${name}`);
}
await page.setViewportSize({ width: 1920, height: 1080 });

s.step("the e-mails: a group leader's and the catch-up link's, each with a mailto button");
await page.getByRole("tab", { name: "Länkar" }).click();
await page.locator("img.qr").first().waitFor({ timeout: 30_000 });
const mails = page.locator("details.mail");
expect((await mails.count()) === Number(groups) + 1, `${await mails.count()} e-mails`);
await mails.last().locator("summary").click();
const text = await mails.last().locator("textarea").inputValue();
expect(text.includes(`Uppföljningsmötet är den ${meeting}.`), `catch-up mail: ${text}`);
const mailto = await mails.last().getByRole("link", { name: "Öppna i e-postprogrammet" }).getAttribute("href");
expect(mailto.startsWith("mailto:?subject=") && mailto.includes("&body="), mailto);
await s.shot(page, "links-mail-1920");

s.step("the QR sheets: one A4 page per group and one for the catch-up link");
const href = await page.locator("#qr-sheet").getAttribute("href");
const sheet = await s.newPage(s.big);
await sheet.goto(`${base}${href}`);
await sheet.locator("section.sheet").first().waitFor();
await s.shot(sheet, "qr-sheet-screen");
const pdf = await sheet.pdf({ format: "A4", printBackground: true });
const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
expect(pages === Number(groups) + 1, `the QR sheets printed on ${pages} pages`);
const fs = await import("node:fs");
fs.writeFileSync(`${shots}/qr-sheets.pdf`, pdf);

s.step("the question box: written offline on the catch-up page, sent once online");
const px = await proxy(port);
const reader = await s.newPage(s.big);
// A computer with a label: the question must still carry no name (checked on the server).
await reader.addInitScript(() => {
  localStorage.setItem("samtal:device", JSON.stringify("Evas dator"));
  localStorage.setItem("samtal:device-asked", "true");
});
await reader.goto(`${px.base}/c/${catchUp}`);
await current(reader);
await px.setOnline(false, reader.context());
const question = "Vad gör vi när en brukare säger nej till all hjälp?";
await reader.locator("#qbox-text").fill("   ");
await reader.getByRole("button", { name: "Skicka frågan" }).click();
await reader.locator("#qbox-error").getByText("Skriv frågan först.").waitFor();
await reader.locator("#qbox-text").fill(question);
await reader.getByRole("button", { name: "Skicka frågan" }).click();
await reader.locator(".qbox-mine").getByText(question).waitFor();
await reader.getByText("Sparad på den här enheten. Den skickas när nätet fungerar igen.").waitFor();
expect((await reader.locator("#qbox-text").inputValue()) === "", "the field is emptied once sent");
await reader.locator(".question-box").scrollIntoViewIfNeeded();
await s.shot(reader, "question-box-offline-1920");
await px.setOnline(true, reader.context());
await reader.getByText("Skickad. Tack!").waitFor({ timeout: 40_000 });
for (const [name, viewport] of [["1366", { width: 1366, height: 768 }], ["390", { width: 390, height: 844 }]]) {
  await reader.setViewportSize(viewport);
  await reader.locator(".question-box").scrollIntoViewIfNeeded();
  await s.shot(reader, `question-box-${name}`);
  const sideways = await reader.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  expect(!sideways, `the catch-up page scrolls sideways at ${name}`);
}

s.step("the facilitator puts it on the agenda, adds an item of her own and orders them");
await page.getByRole("tab", { name: "Uppföljning" }).click();
const item = page.locator(".qs-item", { hasText: question });
await item.waitFor({ timeout: 30_000 });
await item.getByRole("button", { name: "Till dagordningen" }).click();
await page.locator("#qs-own").fill("Genomgång av checklistan");
await page.locator("#qs-own").press("Enter");
const agenda = page.locator(".question-sorter ol.qs-list > li");
for (let i = 0; (await agenda.count()) !== 2; i++) {
  expect(i < 100, `the agenda has ${await agenda.count()} items`);
  await page.waitForTimeout(100);
}
await agenda.nth(1).getByRole("button", { name: "Flytta upp" }).click();
await agenda.first().getByText("Genomgång av checklistan").waitFor();
await synced(page);
for (const [name, viewport] of [["1920", { width: 1920, height: 1080 }], ["1366", { width: 1366, height: 768 }], ["390", { width: 390, height: 844 }]]) {
  await page.setViewportSize(viewport);
  await page.locator(".question-sorter").scrollIntoViewIfNeeded();
  await s.shot(page, `question-sorter-${name}`);
}

s.step("the reader sees the meeting's agenda in her order");
await reader.setViewportSize({ width: 1920, height: 1080 });
const readerAgenda = reader.locator("ol.agenda li");
await readerAgenda.nth(1).waitFor({ timeout: 30_000 });
const order = await readerAgenda.allInnerTexts();
expect(order[0] === "Genomgång av checklistan" && order[1] === question, `the reader's agenda: ${order}`);
await readerAgenda.first().scrollIntoViewIfNeeded();
await s.shot(reader, "catch-up-agenda-1920");

expect(s.errors.length === 0, `page errors: ${s.errors.join("; ")}`);
px.close();
console.log("FOLLOWUP-OK");
await s.browser.close();
