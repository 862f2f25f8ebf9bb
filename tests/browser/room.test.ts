import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, type TestDatabase } from "../support/databases.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import {
  launchBrowser,
  messageInput,
  messagesWith,
  openAs,
  openRoom,
  roomPath,
  send,
  senderOf, demoServerEnv } from "../support/browser.js";

describe("chat room in the browser", () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    db = freshSqlite();
    [server, browser] = await Promise.all([
      startServerProcess(demoServerEnv(db.url)),
      launchBrowser(),
    ]);
    [alice, bob] = await Promise.all([
      openAs(browser, server.url, "alice", roomPath(1)),
      openAs(browser, server.url, "bob", roomPath(1)),
    ]);
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  it("lets two users exchange messages both ways, labelling their own as Me", async () => {
    await send(alice, "Hi Bob, ready for the quiz?");
    expect(await senderOf(alice, "Hi Bob, ready for the quiz?")).toBe("Me");
    expect(await senderOf(bob, "Hi Bob, ready for the quiz?")).toBe("alice");

    await send(bob, "Almost, reviewing list comprehensions.");
    expect(await senderOf(bob, "Almost, reviewing list comprehensions.")).toBe("Me");
    expect(await senderOf(alice, "Almost, reviewing list comprehensions.")).toBe("bob");
    // Sent by me: it came back from the mutation and the subscription, and shows once.
    expect(await messagesWith(alice, "Hi Bob, ready for the quiz?").count()).toBe(1);

    // (The README's screenshots come from first-hour.test.ts, with a fuller room.)
    await alice.setViewportSize({ width: 375, height: 740 });
    // No sideways scrolling at phone width.
    expect(await alice.locator("html").evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(375);
    await alice.setViewportSize({ width: 1280, height: 800 });
  });

  it("opens with the whole of a short history, with nothing to page back to", async () => {
    const page = await openAs(browser, server.url, "bob", roomPath(1));
    await openRoom(page, 1);
    // A room opens with up to 50 messages: all of these (long histories: history.test.ts).
    expect(await senderOf(page, "Welcome to the course chat!")).toBe("ada");
    expect(await page.getByRole("button", { name: "Load earlier messages" }).count()).toBe(0);
    await page.context().close();
  });

  it("shows the enrol page to a non-member, and the room once enrolled", async () => {
    const carol = await openAs(browser, server.url, "carol", roomPath(1));
    await carol.getByRole("heading", { name: "You are not enrolled in this course" }).waitFor();
    expect(await messageInput(carol).count()).toBe(0);
    await carol.getByRole("button", { name: "Enroll in Introduction to Python" }).click();
    await openRoom(carol, 1);
    await carol.context().close();
  });

  it("lets an instructor create a course and open its room from the catalogue", async () => {
    const ada = await openAs(browser, server.url, "ada", "/");
    await ada.getByRole("link", { name: "New course" }).click();
    await ada.getByLabel("Title").fill("Data Science Basics");
    await ada.getByLabel("Overview").fill("Pandas and plots.");
    await ada.getByRole("button", { name: "Create course" }).click();
    await ada.getByRole("heading", { name: "Data Science Basics" }).waitFor();
    await ada.getByRole("link", { name: "Catalogue" }).click();
    const card = ada.locator(".card", { has: ada.getByRole("heading", { name: "Data Science Basics" }) });
    await card.getByRole("link", { name: "Course chat room" }).click();
    await openRoom(ada, await ada.evaluate("location.pathname.split('/')[2]"));
    await ada.getByText("No messages yet").waitFor();
    await ada.context().close();
  });

  it("sends an invalid session back to log in, then back to the room", async () => {
    const page = await openAs(browser, server.url, "bob", "/");
    // A string, evaluated in the page: the tests' TypeScript has no DOM globals.
    await page.evaluate(`(() => {
      const key = "educa-chat.session";
      const session = JSON.parse(localStorage.getItem(key));
      localStorage.setItem(key, JSON.stringify({ ...session, token: session.token + "x" }));
    })()`);
    await page.goto(`${server.url}${roomPath(1)}`);
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByText("Your session has expired").waitFor();
    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill("educa-demo-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((url) => url.pathname === roomPath(1));
    await openRoom(page, 1);
    await page.context().close();
  });

  it("renders markup in messages as literal text", async () => {
    const dialogs: string[] = [];
    for (const page of [alice, bob]) page.on("dialog", (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    const img = "<img src=x onerror=alert(1)>";
    const script = "<script>alert(1)</script>";
    await send(alice, img);
    await send(alice, script);
    for (const page of [alice, bob]) {
      expect(await messagesWith(page, img).locator(".content").textContent()).toBe(img);
      expect(await messagesWith(page, script).locator(".content").textContent()).toBe(script);
      expect(await page.locator("[data-testid=message-list] img, [data-testid=message-list] script").count()).toBe(0);
    }
    expect(dialogs).toEqual([]);
  });

  it("sends on Enter, ignores empty input and keeps focus in the input", async () => {
    const input = messageInput(alice);
    expect(await input.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    const before = await alice.locator("[data-testid=message-list] > li").count();

    await input.press("Enter");
    await input.fill("   ");
    await input.press("Enter");
    await send(alice, "Sent with the Enter key");
    await messagesWith(alice, "Sent with the Enter key").waitFor();

    // Only the real message was added: the empty and blank ones were never sent.
    expect(await alice.locator("[data-testid=message-list] > li").count()).toBe(before + 1);
    expect(await input.inputValue()).toBe("");
    expect(await input.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // Bob received exactly the one message too.
    expect(await senderOf(bob, "Sent with the Enter key")).toBe("alice");
  });

  it("follows new messages at the bottom, but shows a New messages marker to a reader scrolled up", async () => {
    for (let i = 0; i < 20; i++) await send(bob, `filler ${i}`);
    await messagesWith(alice, "filler 19").waitFor();
    const list = alice.getByLabel("Messages", { exact: true });
    const distanceFromBottom = () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    // At the bottom, the list follows.
    await expect.poll(distanceFromBottom).toBeLessThan(60);
    expect(await alice.getByRole("button", { name: /New messages/ }).count()).toBe(0);
    // Scrolled up to read history: it stays put and offers the marker instead.
    await list.evaluate((el) => el.scrollTo(0, 0));
    await send(bob, "while alice reads history");
    await alice.getByRole("button", { name: /New messages/ }).waitFor();
    expect(await list.evaluate((el) => el.scrollTop)).toBeLessThan(50);
    await alice.getByRole("button", { name: /New messages/ }).click();
    await expect.poll(distanceFromBottom).toBeLessThan(60);
  });
});
