import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.js";
import { DEMO_PASSWORD, messagesWith, openAs, openRoom, roomPath, demoRoom } from "../support/browser.js";
import { openSqliteFile } from "../support/sqlite-file.js";
import { storeMessagesSqlite } from "../support/stored-messages.js";

const TOTAL = 233;
/** Unique as a substring too: "History 001" is not part of "History 010". */
const label = (i: number) => `History ${String(i).padStart(3, "0")}`;
const HOUR = 3_600_000;

const shown = (page: Page) => page.locator("[data-testid=message-list] > li").count();
const list = (page: Page) => page.getByRole("log", { name: "Messages" });
/** Where a message's top is, in px below the top of the visible list. */
const offsetInView = (page: Page, content: string) =>
  messagesWith(page, content).evaluate((item) => item.getBoundingClientRect().top - item.closest("[role=log]")!.getBoundingClientRect().top);

describe("a long history", () => {
  const demo = demoRoom();
  let courseId: string;

  beforeAll(async () => {
    const login = async (u: string) =>
      (await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u, p: DEMO_PASSWORD })).data!.login.token;
    const created = await graphql<{ createCourse: { id: string } }>(demo.server.url, `mutation { createCourse(title: "Algorithms") { id } }`, {}, await login("ada"));
    courseId = created.data!.createCourse.id;
    expect((await graphql(demo.server.url, `mutation ($id: ID!) { enroll(courseId: $id) { id } }`, { id: courseId }, await login("alice"))).errors).toBeUndefined();
    // 233 messages over the last three days, oldest first.
    const sql = openSqliteFile(demo.db.url);
    const ids = Object.fromEntries((sql.prepare("select id, username from users").all() as { id: number; username: string }[]).map((u) => [u.username, u.id]));
    const start = Date.now() - 50 * HOUR;
    storeMessagesSqlite(
      sql,
      Array.from({ length: TOTAL }, (_, n) => {
        const i = n + 1;
        return { courseId, userId: ids[i % 3 === 0 ? "ada" : "alice"]!, content: label(i), sentOn: new Date(start + (i / TOTAL) * 50 * HOUR - 60_000) };
      }),
    );
    sql.close();
  });

  it("opens with a screenful, loads earlier messages as the reader scrolls up, and keeps each room's place", async () => {
    const alice = await openAs(demo.browser, demo.server.url, "alice", roomPath(courseId));
    await openRoom(alice, courseId);
    await messagesWith(alice, label(TOTAL)).waitFor();
    expect(await shown(alice)).toBeGreaterThanOrEqual(50);
    expect(await messagesWith(alice, label(1)).count()).toBe(0);

    // The button stays as a fallback for keyboards.
    const before = await shown(alice);
    await alice.getByRole("button", { name: "Load earlier messages" }).focus();
    await alice.keyboard.press("Enter");
    await expect.poll(() => shown(alice)).toBeGreaterThan(before);

    // Scrolling up is enough: earlier pages arrive without any click, down to the first message.
    const box = (await list(alice).boundingBox())!;
    await alice.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 10 && (await messagesWith(alice, label(1)).count()) === 0; i++) {
      const count = await shown(alice);
      await alice.mouse.wheel(0, -3000);
      await expect.poll(() => shown(alice)).toBeGreaterThan(count);
    }
    await messagesWith(alice, label(1)).waitFor();
    expect(await shown(alice)).toBe(TOTAL);
    expect(await alice.getByRole("button", { name: "Load earlier messages" }).count()).toBe(0);
    // Three days of history: each marked once, the oldest by its date. The one other separator
    // a screen reader announces is "New messages", once, before the first of ada's (unread).
    const separators = await list(alice).getByRole("separator").evaluateAll((els) => els.map((el) => el.getAttribute("aria-label")));
    const days = separators.filter((name) => name !== "New messages");
    expect(days).toHaveLength(3);
    expect(days.slice(1)).toEqual(["Yesterday", "Today"]);
    expect(days[0]).toMatch(/\d{4}/);
    expect(separators.length - days.length).toBe(1);
    expect(await messagesWith(alice, label(3)).getByRole("separator", { name: "New messages" }).count()).toBe(1);

    // A place in the middle, kept across leaving the room and coming back.
    await messagesWith(alice, label(120)).evaluate((item) => item.scrollIntoView({ block: "start" }));
    await list(alice).evaluate((el) => el.scrollBy(0, -30));
    const offset = await offsetInView(alice, label(120));
    await alice.getByRole("link", { name: "My courses" }).click();
    await alice.getByRole("heading", { name: "My courses" }).waitFor();
    // Another room has a place of its own: at its newest message.
    const python = alice.locator(".card", { has: alice.getByRole("heading", { name: "Introduction to Python" }) });
    await python.getByRole("link", { name: "Course chat room" }).click();
    await openRoom(alice, 1);
    await messagesWith(alice, "That worked, thanks!").waitFor();
    await expect.poll(() => list(alice).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(60);

    await alice.goBack();
    await alice.getByRole("heading", { name: "My courses" }).waitFor();
    const algorithms = alice.locator(".card", { has: alice.getByRole("heading", { name: "Algorithms" }) });
    await algorithms.getByRole("link", { name: "Course chat room" }).click();
    await openRoom(alice, courseId);
    await messagesWith(alice, label(120)).waitFor();
    await expect.poll(async () => Math.abs((await offsetInView(alice, label(120))) - offset)).toBeLessThan(5);
    await alice.context().close();
  }, 60_000);
});
