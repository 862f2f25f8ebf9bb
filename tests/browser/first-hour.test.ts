import { copyFileSync, mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "../support/axe.js";
import { DEMO_PASSWORD, messagesWith, openAs, openRoom, roomPath, screenshot, send, demoRoom } from "../support/browser.js";

/** What users of other chat products expect in their first hour. */
describe("the room as people expect it", () => {
  const demo = demoRoom();

  const badgeOf = (page: Page, content: string) => messagesWith(page, content).locator(".role-badge");

  it("shows the catalogue before logging in, and the sign-up rules before a failed attempt", async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(demo.server.url);
    await page.getByRole("heading", { name: "Course catalogue" }).waitFor();
    await page.getByRole("heading", { name: "Introduction to Python" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByRole("link", { name: "Log in to join Introduction to Python" }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign up" }).click();
    await page.getByRole("heading", { name: "Sign up" }).waitFor();
    const described = (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((input) => input.ownerDocument.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    expect(await described("Username")).toBe("3 to 32 characters: letters, digits, dot (.), underscore (_) or hyphen (-).");
    expect(await described("Password")).toBe("At least 8 characters.");
    expect(await accessibilityProblems(page)).toEqual([]);
    // A name the rules refuse is stopped in the form, before any request.
    await page.getByLabel("Username", { exact: true }).fill("no spaces");
    await page.getByLabel("Password", { exact: true }).fill("long enough");
    await page.getByRole("button", { name: "Sign up" }).click();
    expect(await page.getByLabel("Username", { exact: true }).evaluate((input) => (input as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch)).toBe(true);
    await page.getByLabel("Username", { exact: true }).fill("new.student_1");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await context.close();
  });

  it("groups messages by author with initials and role badges, lists members and finds messages", async () => {
    const [ada, sam, alice] = await Promise.all([
      openAs(demo.browser, demo.server.url, "ada", roomPath(1)),
      openAs(demo.browser, demo.server.url, "sam", roomPath(1)),
      openAs(demo.browser, demo.server.url, "alice", roomPath(1)),
    ]);
    await Promise.all([openRoom(ada, 1), openRoom(sam, 1), openRoom(alice, 1)]);
    await send(ada, "Reminder: the quiz opens on **Friday**.");
    await send(ada, "Bring your questions to the live session.");
    await messagesWith(alice, "Bring your questions").waitFor();
    await send(sam, "Staff here: the quiz page is fixed.");
    await messagesWith(alice, "Staff here").waitFor();
    await send(alice, "Here is my attempt:\n```python\nsquares = [n * n for n in range(10)]\nprint(squares)\n```");
    await messagesWith(alice, "Here is my attempt").waitFor();

    expect(await badgeOf(alice, "Reminder: the quiz").textContent()).toBe("Instructor");
    expect(await badgeOf(alice, "Staff here").textContent()).toBe("Staff");
    expect(await badgeOf(alice, "Here is my attempt").count()).toBe(0);
    expect(await messagesWith(alice, "Staff here").locator(".avatar").textContent()).toBe("SA");
    // ada's second message joins her first: no second name or avatar, but screen readers still hear who.
    const second = messagesWith(alice, "Bring your questions");
    expect(await second.getAttribute("class")).toContain("continued");
    expect(await second.locator(".avatar").count()).toBe(0);
    expect((await second.locator(".meta").boundingBox())?.width).toBeLessThanOrEqual(1); // visually hidden
    expect(await second.locator(".sender").textContent()).toBe("ada");
    expect(await messagesWith(alice, "Reminder: the quiz").locator(".sender").isVisible()).toBe(true);
    await alice.getByRole("log", { name: "Messages" }).getByRole("separator", { name: "Today" }).waitFor();

    await alice.getByRole("button", { name: "Members" }).click();
    const members = alice.getByRole("list", { name: "Members" });
    await members.waitFor();
    expect((await members.getByRole("listitem").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
      "AD ada Instructor",
      "SA sam Staff",
      "AL alice (you)",
      "BO bob",
    ]);
    mkdirSync("docs", { recursive: true });
    copyFileSync(await screenshot(alice, "room-desktop"), "docs/screenshot-room.png");

    await alice.getByRole("button", { name: "Search" }).click();
    await alice.getByRole("searchbox", { name: "Search this room" }).fill("QUIZ");
    await alice.getByRole("searchbox", { name: "Search this room" }).press("Enter");
    const results = alice.getByRole("list", { name: "Search results" });
    await alice.getByRole("status").filter({ hasText: "2 results for “QUIZ”" }).waitFor();
    expect(await results.locator(".content").allTextContents()).toEqual(["Staff here: the quiz page is fixed.", "Reminder: the quiz opens on Friday."]);
    await alice.keyboard.press("Escape");
    await results.waitFor({ state: "detached" });
    await Promise.all([ada.context().close(), sam.context().close(), alice.context().close()]);
  });

  it("leaves a placeholder where a moderator deletes a message, and keeps the moderator's focus there", async () => {
    const [ada, bob] = await Promise.all([openAs(demo.browser, demo.server.url, "ada", roomPath(1)), openAs(demo.browser, demo.server.url, "bob", roomPath(1))]);
    await Promise.all([openRoom(ada, 1), openRoom(bob, 1)]);
    await send(bob, "Answer to the quiz: 42");
    await send(bob, "Sorry, I should not have posted that");
    const removed = messagesWith(ada, "Answer to the quiz: 42");
    await removed.waitFor();
    const id = await removed.getAttribute("data-message-id");
    ada.once("dialog", (dialog) => void dialog.accept());
    await removed.getByRole("button", { name: "Delete message from bob" }).press("Enter");

    for (const page of [ada, bob]) {
      const placeholder = page.locator(`[data-testid=message-list] > li[data-message-id="${id}"]`);
      await placeholder.getByText("This message was deleted.").waitFor();
      expect(await messagesWith(page, "Answer to the quiz").count()).toBe(0);
    }
    // Focus did not fall to the page: it is where the message was.
    // (Strings, evaluated in the page: the tests' TypeScript has no DOM globals.)
    expect(await ada.evaluate(`document.activeElement?.getAttribute("data-message-id") ?? document.activeElement?.tagName`)).toBe(id);
    await ada.keyboard.press("Tab");
    expect(await ada.evaluate(`document.activeElement?.closest("li")?.textContent ?? ""`)).toContain("Sorry, I should not have posted that");
    // A message arriving later does not pull focus back to the placeholder.
    await send(bob, "One more thing");
    await messagesWith(ada, "One more thing").waitFor();
    expect(await ada.evaluate(`document.activeElement?.closest("li")?.textContent ?? ""`)).toContain("Sorry, I should not have posted that");
    expect(await accessibilityProblems(bob)).toEqual([]);
    await Promise.all([ada.context().close(), bob.context().close()]);
  });

  it("fits a one-line header on a phone, follows the system's dark mode, and logs out", async () => {
    const context = await demo.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "light" });
    context.setDefaultTimeout(10_000);
    const ada = await context.newPage();
    await ada.goto(`${demo.server.url}/login?next=${encodeURIComponent(roomPath(1))}`);
    await ada.getByLabel("Username").fill("ada");
    await ada.getByLabel("Password").fill(DEMO_PASSWORD);
    await ada.getByRole("button", { name: "Log in" }).click();
    await ada.waitForURL((url) => url.pathname === roomPath(1));
    await openRoom(ada, 1);
    const height = (selector: string) => ada.locator(selector).evaluate((el) => el.getBoundingClientRect().height);
    // The instructor's header (the longest: four links and the account) is one line.
    expect(await height(".topbar")).toBeLessThanOrEqual(56);
    expect(await height(".chat-header")).toBeLessThanOrEqual(44);
    expect(await ada.locator("html").evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    copyFileSync(await screenshot(ada, "room-phone"), "docs/screenshot-room-phone.png");

    await ada.getByRole("button", { name: "Menu" }).click();
    const nav = ada.getByRole("navigation", { name: "Main" });
    for (const name of ["Catalogue", "My courses", "New course", "Message admin"]) await nav.getByRole("link", { name }).waitFor();
    expect(await accessibilityProblems(ada)).toEqual([]);
    await ada.keyboard.press("Escape");

    await ada.emulateMedia({ colorScheme: "dark" });
    const background = String(await ada.evaluate(`getComputedStyle(document.documentElement).backgroundColor`));
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(150);
    expect(await accessibilityProblems(ada)).toEqual([]);

    await ada.getByRole("button", { name: "Log out" }).click();
    await ada.waitForURL((url) => url.pathname === "/login");
    expect(await ada.evaluate(`localStorage.getItem("educa-chat.session")`)).toBeNull();
    await ada.goto(demo.server.url);
    await ada.getByRole("link", { name: "Log in to join Introduction to Python" }).waitFor();
    await context.close();
  });
});
