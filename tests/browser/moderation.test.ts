import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, type TestDatabase } from "../support/databases.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { DEMO_PASSWORD, launchBrowser, messageInput, messagesWith, openRoom, roomPath, screenshot, send, demoServerEnv } from "../support/browser.js";
import { openSqliteFile } from "../support/sqlite-file.js";
import { storeMessagesSqlite } from "../support/stored-messages.js";

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;

/** Like openAs, but in UTC so the admin's date filters mean the same days as the data below. */
async function login(username: string, next = "/"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: "UTC" });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
  return page;
}

const acceptNextDialog = (page: Page) => page.once("dialog", (dialog) => void dialog.accept());

// ~300 messages in January 2025 at noon UTC, spread over both courses and four authors.
const BULK = 300;
const JAN = Date.UTC(2025, 0, 1, 12);
const DAY = 86_400_000;
const bulkContent = (i: number) =>
  i === 7 ? `=SUM(1,2) "quoted", text ${i}` : i % 25 === 0 ? `Bulk ${i} about the Zebracorn theorem` : `Bulk message ${i}`;

function seedBulk(): void {
  const sql = openSqliteFile(db.url);
  const ids = Object.fromEntries(
    (sql.prepare("select id, username from users").all() as { id: number; username: string }[]).map((u) => [u.username, u.id]),
  );
  const authors = ["alice", "bob", "carol", "ada"];
  storeMessagesSqlite(
    sql,
    Array.from({ length: BULK }, (_, i) => {
      const sentOn = JAN + (i % 30) * DAY + i * 1000;
      return {
        courseId: i % 3 === 0 ? 2 : 1,
        userId: ids[authors[i % 4]!]!,
        content: bulkContent(i),
        sentOn: new Date(sentOn),
        ...(i % 50 === 1 ? { deleted: { at: new Date(sentOn + 60_000), by: ids["ada"]! } } : {}),
      };
    }),
  );
  sql.close();
}

/** What the admin should count, read straight from the file at the time of asking. */
function countWhere(where = "1 = 1", ...params: unknown[]): number {
  const sql = openSqliteFile(db.url);
  try {
    return (sql.prepare(`select count(*) as n from messages m join users u on u.id = m.user_id where ${where}`).get(...params) as { n: number }).n;
  } finally {
    sql.close();
  }
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\r" && text[i + 1] === "\n") {
      endField();
      records.push(record);
      record = [];
      i++;
    } else field += c;
  }
  if (field || record.length) {
    endField();
    records.push(record);
  }
  return records;
}

beforeAll(async () => {
  db = freshSqlite();
  [server, browser] = await Promise.all([
    startServerProcess(demoServerEnv(db.url)),
    launchBrowser(),
  ]);
  seedBulk();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe("moderation in the chat room", () => {
  it("drops a message the instructor deletes from every open room, live and after a reload", async () => {
    const [ada, alice] = await Promise.all([login("ada", roomPath(1)), login("alice", roomPath(1))]);
    await Promise.all([openRoom(ada, 1), openRoom(alice, 1)]);

    await send(ada, "Instructor note: read chapter 3");
    await send(alice, "Oops, this was meant for bob");
    await messagesWith(ada, "Oops, this was meant for bob").waitFor();
    // Authors may delete their own recent messages; students nobody else's.
    await messagesWith(alice, "Oops, this was meant for bob").getByRole("button", { name: /Delete/ }).waitFor();
    await messagesWith(alice, "Instructor note: read chapter 3").waitFor();
    expect(await messagesWith(alice, "Instructor note: read chapter 3").getByRole("button", { name: /Delete/ }).count()).toBe(0);

    // Dismissing the confirmation keeps the message.
    ada.once("dialog", (dialog) => void dialog.dismiss());
    await messagesWith(ada, "Oops, this was meant for bob").getByRole("button", { name: /Delete/ }).click();
    acceptNextDialog(ada);
    await messagesWith(ada, "Oops, this was meant for bob").getByRole("button", { name: /Delete/ }).press("Enter");

    await messagesWith(alice, "Oops, this was meant for bob").waitFor({ state: "detached" });
    await messagesWith(ada, "Oops, this was meant for bob").waitFor({ state: "detached" });
    expect(await messagesWith(alice, "Instructor note: read chapter 3").count()).toBe(1);

    await alice.reload();
    await openRoom(alice, 1);
    await messagesWith(alice, "Instructor note: read chapter 3").waitFor();
    expect(await messagesWith(alice, "Oops, this was meant for bob").count()).toBe(0);
    await Promise.all([ada.context().close(), alice.context().close()]);
  });

  it("closes a removed student's open room at once", async () => {
    const [ada, bob] = await Promise.all([login("ada", "/courses/1"), login("bob", roomPath(1))]);
    await openRoom(bob, 1);
    const remove = ada.getByRole("button", { name: "Remove bob" });
    acceptNextDialog(ada);
    await remove.click();
    await bob.getByRole("heading", { name: "You are not enrolled in this course" }).waitFor();
    expect(await messageInput(bob).count()).toBe(0);
    await remove.waitFor({ state: "detached" });
    await Promise.all([ada.context().close(), bob.context().close()]);
  });

  it("shows room settings to students, and closes the room of a student who leaves", async () => {
    const ada = await login("ada", "/courses/2");
    await ada.getByRole("heading", { name: "Room settings" }).waitFor();
    await ada.getByLabel(/Announcement-only/).check();
    await ada.getByLabel(/Slow mode/).fill("30");
    await ada.getByRole("button", { name: "Save settings" }).click();
    await ada.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();

    const carol = await login("carol", roomPath(2));
    await openRoom(carol, 2);
    await carol.getByText("announcement-only mode").waitFor();
    await carol.getByText("Slow mode: one message every 30 s").waitFor();
    expect(await messageInput(carol).isDisabled()).toBe(true);

    const coursePage = await carol.context().newPage();
    await coursePage.goto(`${server.url}/courses/2`);
    expect(await coursePage.getByRole("heading", { name: "Room settings" }).count()).toBe(0);
    acceptNextDialog(coursePage);
    await coursePage.getByRole("button", { name: "Leave course" }).click();
    await coursePage.getByRole("button", { name: /Enroll/ }).waitFor();
    await carol.getByRole("heading", { name: "You are not enrolled in this course" }).waitFor();
    await Promise.all([ada.context().close(), carol.context().close()]);
  });
});

describe("the message admin", () => {
  const total = (page: Page) => page.getByTestId("total-count").innerText();
  const rows = (page: Page) => page.locator(".admin-table tbody tr");
  const firstId = (page: Page) => rows(page).first().getAttribute("data-message-id");
  const apply = (page: Page) => page.getByRole("button", { name: "Apply filters" }).click();
  const expectTotal = (page: Page, n: number) => expect.poll(() => total(page)).toBe(`${n} ${n === 1 ? "message" : "messages"}`);

  it("filters, searches, pages and exports for staff", async () => {
    const sam = await login("sam", "/");
    await sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Message admin" }).click();
    await sam.getByRole("heading", { name: "Message admin" }).waitFor();
    const all = countWhere();
    expect(all).toBeGreaterThan(BULK);
    await expectTotal(sam, all);
    expect(await rows(sam).count()).toBe(50);
    await screenshot(sam, "admin");

    // Paging: Next shows older messages, Previous the same first page again.
    const page1 = await firstId(sam);
    await sam.getByRole("button", { name: "Next" }).click();
    await sam.getByText("Page 2").waitFor();
    await expect.poll(() => firstId(sam)).not.toBe(page1);
    expect(Number(await firstId(sam))).toBeLessThan(Number(page1));
    await sam.getByRole("button", { name: "Previous" }).click();
    await sam.getByText("Page 1").waitFor();
    await expect.poll(() => firstId(sam)).toBe(page1);

    // By course.
    await sam.getByLabel("Course", { exact: true }).selectOption({ label: "Web Development with Django" });
    await apply(sam);
    await expectTotal(sam, countWhere("course_id = 2"));
    expect(await rows(sam).filter({ hasNotText: "Web Development with Django" }).count()).toBe(0);

    // By date range (whole days, inclusive), back on every course.
    await sam.getByLabel("Course", { exact: true }).selectOption({ label: "All courses" });
    await sam.getByLabel("Sent from").fill("2025-01-10");
    await sam.getByLabel("Sent to").fill("2025-01-12");
    await apply(sam);
    const inRange = countWhere("sent_on >= ? and sent_on < ?", Date.UTC(2025, 0, 10), Date.UTC(2025, 0, 13));
    expect(inRange).toBe(30);
    await expectTotal(sam, inRange);
    expect(await rows(sam).count()).toBe(inRange);

    // Search, ignoring case.
    await sam.getByLabel("Sent from").fill("");
    await sam.getByLabel("Sent to").fill("");
    await sam.getByLabel("Search").fill("zEBRAcorn");
    await apply(sam);
    await expectTotal(sam, 12);
    expect(await rows(sam).count()).toBe(12);
    expect(await rows(sam).filter({ hasText: "Zebracorn" }).count()).toBe(12);

    // Clicking a username filters by that user, shown as a removable chip.
    await sam.getByLabel("Search").fill("");
    await apply(sam);
    await expectTotal(sam, all);
    await sam.getByRole("button", { name: "Show only messages by carol" }).first().click();
    await expectTotal(sam, countWhere("u.username = 'carol'"));
    expect(await sam.locator(".admin-table tbody tr td:nth-child(2)").filter({ hasNotText: "carol" }).count()).toBe(0);
    await sam.getByRole("button", { name: "Remove filter: user carol" }).click();
    await expectTotal(sam, all);

    // A deleted row says who deleted it; a live one can be deleted here.
    await sam.getByLabel("Search").fill("Bulk 275 about");
    await apply(sam);
    await expectTotal(sam, 1);
    acceptNextDialog(sam);
    await rows(sam).first().getByRole("button", { name: /Delete/ }).click();
    await rows(sam).first().getByText(/Deleted by sam at/).waitFor();
    await sam.getByLabel("Search").fill("");
    await apply(sam);
    await expectTotal(sam, all);

    // Export: every page of the filter, properly quoted.
    const [download] = await Promise.all([sam.waitForEvent("download"), sam.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("messages.csv");
    const records = parseCsv(readFileSync(await download.path(), "utf8"));
    expect(records[0]).toEqual(["Sent on", "User", "Course", "Message", "Status"]);
    expect(records.length - 1).toBe(all);
    const formula = records.find((r) => r[3]?.includes("SUM"));
    expect(formula?.[3]).toBe(`'=SUM(1,2) "quoted", text 7`);
    expect(records.filter((r) => r[4]?.startsWith("Deleted by ")).length).toBe(countWhere("deleted_at is not null"));

    await sam.setViewportSize({ width: 375, height: 740 });
    expect(await sam.locator("html").evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(375);
    await sam.context().close();
  });

  it("is neither linked nor shown to students", async () => {
    const alice = await login("alice", "/");
    const nav = alice.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "My courses" }).waitFor();
    expect(await nav.getByRole("link", { name: "Message admin" }).count()).toBe(0);
    await alice.goto(`${server.url}/admin/messages`);
    await alice.getByRole("alert").filter({ hasText: "Access denied" }).waitFor();
    expect(await alice.locator(".admin-table").count()).toBe(0);
    await alice.context().close();
  });
});
