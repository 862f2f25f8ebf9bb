import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.js";
import { DEMO_PASSWORD, messageInput, messagesWith, openAs, openRoom, roomPath, screenshot, demoInstances } from "../support/browser.js";

/**
 * Unread badges, the New messages divider, marking read as messages are seen, who is online
 * and who is typing, as users see them in browsers on two server instances (PostgreSQL and
 * Redis shared).
 */
describe("read state, presence and typing in the web client, across two instances", () => {
  const demo = demoInstances();
  const servers = demo.servers;
  const pages: Page[] = [];

  const instance = (i: 0 | 1) => {
    const server = servers[i];
    if (!server) throw new Error("servers did not start");
    return server.url;
  };
  async function as(username: string, i: 0 | 1, path: string): Promise<Page> {
    const page = await openAs(demo.browser, instance(i), username, path);
    pages.push(page);
    return page;
  }
  // A tab left open by a failed test would read what the next one posts.
  afterEach(() => Promise.all(pages.splice(0).map((page) => page.context().close())));
  async function tokenOf(username: string): Promise<string> {
    const login = await graphql<{ login: { token: string } }>(instance(1), "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: username, p: DEMO_PASSWORD });
    const token = login.data?.login.token;
    if (!token) throw new Error(login.raw);
    return token;
  }
  async function post(token: string, content: string): Promise<string> {
    const sent = await graphql<{ sendMessage: { id: string } }>(instance(1), "mutation ($c: String!) { sendMessage(courseId: 1, content: $c) { id } }", { c: content }, token);
    const id = sent.data?.sendMessage.id;
    if (!id) throw new Error(sent.raw);
    return id;
  }
  /** Whatever earlier tests or the demo history left unread, the user has read it all. */
  async function readEverything(username: string): Promise<void> {
    const token = await tokenOf(username);
    for (const courseId of [1, 2]) {
      const latest = await graphql<{ messages: { id: string }[] }>(instance(1), "query ($c: ID!) { messages(courseId: $c, last: 1) { id } }", { c: courseId }, token);
      const read = await graphql(instance(1), "mutation ($c: ID!, $m: ID!) { markRead(courseId: $c, messageId: $m) { id } }", { c: courseId, m: latest.data?.messages[0]?.id }, token);
      if (read.errors) throw new Error(read.raw);
    }
  }
  /** The counts a course card on My courses shows: "" when none. */
  const cardBadges = (page: Page, courseId: number) => page.locator(`li[data-course-id="${courseId}"] [data-testid=unread-badges] [aria-hidden]`);
  // allTextContents does not wait: a badge that goes between two looks reads as none.
  const cardBadgeText = async (page: Page, courseId: number) => (await cardBadges(page, courseId).allTextContents()).join("");
  const navBadgeText = async (page: Page) =>
    (await page.getByRole("navigation", { name: "Main" }).locator("[data-testid=unread-badges] [aria-hidden]").allTextContents()).join("");

  it("two tabs of one user agree on the badge: a message raises it live, reading in one tab clears it in the other within a second", async () => {
    const bob = await tokenOf("bob");
    await readEverything("alice");
    const laptop = await as("alice", 0, "/my-courses");
    const phone = await as("alice", 1, "/my-courses");
    await laptop.getByRole("heading", { name: "Introduction to Python" }).waitFor();
    await expect.poll(() => cardBadgeText(laptop, 1)).toBe("");

    const first = await post(bob, "Unread one");
    await post(bob, "Unread two");
    await post(bob, "@alice unread three");
    for (const page of [laptop, phone]) {
      await expect.poll(() => cardBadgeText(page, 1)).toBe("@13");
      await expect.poll(() => navBadgeText(page)).toBe("@13");
      await expect.poll(() => page.title()).toBe("(@1 · 3) Educa Chat");
      // The preview of the latest message, the room first (latest activity).
      await page.locator(`li[data-course-id="1"] .last-message`, { hasText: "unread three" }).waitFor();
      expect(await page.locator("li[data-course-id]").first().getAttribute("data-course-id")).toBe("1");
    }

    // Opening the room on the laptop: the divider sits just before the first unread message.
    await laptop.locator('li[data-course-id="1"]').getByRole("link", { name: "Course chat room" }).click();
    await openRoom(laptop, 1);
    const divider = laptop.getByTestId("unread-divider");
    await divider.waitFor();
    expect(await divider.getAttribute("aria-label")).toBe("New messages");
    expect(await laptop.locator("li:has(> [data-testid=unread-divider])").getAttribute("data-message-id")).toBe(first);

    // Seen on the laptop (the messages are on screen): the phone's badge goes within a second
    // of the laptop's own.
    const cleared = async (page: Page) => {
      await expect.poll(() => navBadgeText(page), { interval: 20, timeout: 5000 }).toBe("");
      return Date.now();
    };
    const [onLaptop, onPhone] = await Promise.all([cleared(laptop), cleared(phone)]);
    expect(onPhone - onLaptop).toBeLessThan(1000);
    expect(await cardBadgeText(phone, 1)).toBe("");
    await expect.poll(() => phone.title()).toBe("Educa Chat");
    // The divider stays where it was while the room is open.
    expect(await divider.isVisible()).toBe(true);

    // My own message is never unread; another's, arriving while the room is open and seen, neither.
    await laptop.getByRole("textbox", { name: "Message" }).fill("My own words");
    await laptop.getByRole("textbox", { name: "Message" }).press("Enter");
    // Stored and sent to every device (the phone shows it as the latest) without a badge.
    await phone.locator(`li[data-course-id="1"] .last-message`, { hasText: "My own words" }).waitFor();
    expect(await cardBadgeText(phone, 1)).toBe("");
    await post(bob, "Seen at once");
    await messagesWith(laptop, "Seen at once").waitFor();
    await phone.locator(`li[data-course-id="1"] .last-message`, { hasText: "Seen at once" }).waitFor();
    await expect.poll(() => cardBadgeText(phone, 1)).toBe("");

    // Reopening the room: nothing unread, no divider.
    await laptop.goto(`${instance(0)}${roomPath(1)}`);
    await openRoom(laptop, 1);
    await messagesWith(laptop, "Seen at once").waitFor();
    expect(await laptop.getByTestId("unread-divider").count()).toBe(0);
  }, 60_000);

  it("opens a backlog at the divider and marks read only what has been on screen", async () => {
    const bob = await tokenOf("bob");
    await readEverything("alice");
    const alice = await as("alice", 0, "/my-courses");
    await alice.locator('li[data-course-id="1"] .last-message').waitFor();
    expect(await cardBadgeText(alice, 1)).toBe("");
    // Most of the first page of history (50), more than a screenful.
    const ids: string[] = [];
    for (let i = 1; i <= 45; i += 1) ids.push(await post(bob, `Backlog ${String(i).padStart(2, "0")}`));
    await expect.poll(() => cardBadgeText(alice, 1), { timeout: 5000 }).toBe("45");
    await screenshot(alice, "read-state-my-courses");

    await alice.locator('li[data-course-id="1"]').getByRole("link", { name: "Course chat room" }).click();
    await openRoom(alice, 1);
    const divider = alice.getByTestId("unread-divider");
    await divider.waitFor();
    expect(await alice.locator("li:has(> [data-testid=unread-divider])").getAttribute("data-message-id")).toBe(ids[0]);
    await screenshot(alice, "read-state-room-divider");
    // The first unread is on the first page: no bar offering to go there.
    expect(await alice.getByRole("region", { name: "Unread messages" }).count()).toBe(0);
    // The room opens where the reader left off: the divider in view, the newest not.
    expect(await inView(alice, "Backlog 01")).toBe(true);
    expect(await inView(alice, "Backlog 45")).toBe(false);
    // Only what was seen is read: most of the backlog is still unread.
    await expect.poll(() => unreadNow(alice)).toBeLessThan(45);
    expect(await unreadNow(alice)).toBeGreaterThan(20);

    // Scrolled to the end: everything is read.
    await readToEnd(alice);
  }, 60_000);

  /** Whether the message is (partly) within the room's scrolled view. */
  const inView = (page: Page, content: string) =>
    messagesWith(page, content).evaluate((item) => {
      const view = item.closest("[role=log]")?.getBoundingClientRect();
      const box = item.getBoundingClientRect();
      return Boolean(view && box.bottom > view.top && box.top < view.bottom);
    });
  /** The navigation badge as a number (no badge: 0). */
  const unreadNow = async (page: Page) => Number((await navBadgeText(page)) || "0");
  /** Scrolls to the newest message: everything is then read, and the badge goes. */
  async function readToEnd(page: Page): Promise<void> {
    await page.locator("[role=log]").evaluate((log) => (log.scrollTop = log.scrollHeight));
    await expect.poll(() => navBadgeText(page)).toBe("");
  }

  /** Posts a backlog deeper than the room's first page of history (50), oldest first. */
  async function deepBacklog(prefix: string, count = 60): Promise<string[]> {
    const bob = await tokenOf("bob");
    const ids: string[] = [];
    for (let i = 1; i <= count; i += 1) ids.push(await post(bob, `${prefix} ${String(i).padStart(2, "0")}`));
    return ids;
  }
  const unreadBar = (page: Page) => page.getByRole("region", { name: "Unread messages" });

  it("with the first unread further back than the first page, says how many, keeps them unread, and jumps to where the reader stopped", async () => {
    await readEverything("alice");
    const alice = await as("alice", 0, "/my-courses");
    await alice.locator('li[data-course-id="1"] .last-message').waitFor();
    const ids = await deepBacklog("Deep");
    await expect.poll(() => cardBadgeText(alice, 1), { timeout: 5000 }).toBe("60");

    await alice.locator('li[data-course-id="1"]').getByRole("link", { name: "Course chat room" }).click();
    await openRoom(alice, 1);
    // Opened at the newest message, the first unread not loaded: the bar says how much and since when.
    await messagesWith(alice, "Deep 60").waitFor();
    const bar = unreadBar(alice);
    await expect.poll(() => bar.getByRole("status").textContent()).toMatch(/^60 new messages since \D*\d{1,2}.\d{2}/);
    expect(await messagesWith(alice, "Deep 01").count()).toBe(0);
    expect(await alice.getByTestId("unread-divider").count()).toBe(0);
    await screenshot(alice, "read-state-unread-bar");
    // The newest message is on screen in an attended tab, past the tab's once-a-second look:
    // the backlog above it is still unread.
    await alice.waitForTimeout(1500);
    expect(await navBadgeText(alice)).toBe("60");

    // Jump, from the keyboard: earlier pages come until the first unread, the divider just before it, in view.
    const jump = bar.getByRole("button", { name: "Jump to first unread" });
    await jump.focus();
    await alice.keyboard.press("Enter");
    const divider = alice.getByTestId("unread-divider");
    await divider.waitFor();
    expect(await alice.locator("li:has(> [data-testid=unread-divider])").getAttribute("data-message-id")).toBe(ids[0]);
    await expect.poll(() => inView(alice, "Deep 01")).toBe(true);
    expect(await inView(alice, "Deep 60")).toBe(false);
    await bar.waitFor({ state: "detached" });
    // Focus is on the messages, not lost with the bar's button.
    expect(await alice.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe("Messages");

    // From there, what is on screen is read, and only that: most of the backlog is still unread.
    await expect.poll(() => unreadNow(alice)).toBeLessThan(60);
    expect(await unreadNow(alice)).toBeGreaterThan(30);
    // Reading down to the end reads it all.
    await readToEnd(alice);
  }, 60_000);

  it("marks a deep backlog read when the reader says so with the bar's Mark as read", async () => {
    await readEverything("alice");
    await deepBacklog("Skipped");
    const alice = await as("alice", 0, roomPath(1));
    await openRoom(alice, 1);
    await messagesWith(alice, "Skipped 60").waitFor();
    await expect.poll(() => unreadBar(alice).getByRole("status").textContent()).toMatch(/^60 new messages/);
    expect(await navBadgeText(alice)).toBe("60");

    await unreadBar(alice).getByRole("button", { name: "Mark as read" }).click();
    await unreadBar(alice).waitFor({ state: "detached" });
    await expect.poll(() => navBadgeText(alice)).toBe("");
    // Nothing was loaded or moved: the reader stays at the newest message.
    expect(await messagesWith(alice, "Skipped 01").count()).toBe(0);
  }, 60_000);

  it("marks nothing read in a tab that is not being looked at, and what is on screen once it is", async () => {
    const bob = await tokenOf("bob");
    await readEverything("alice");
    const room = await as("alice", 0, roomPath(1));
    await openRoom(room, 1);
    // Another tab of the same window comes to the front: the room's tab loses focus for real.
    const home = await room.context().newPage();
    await home.goto(`${instance(0)}/my-courses`);
    await home.bringToFront();
    await (await room.context().newCDPSession(room)).send("Emulation.setFocusEmulationEnabled", { enabled: false });
    expect(await room.evaluate("document.hasFocus()")).toBe(false);

    await post(bob, "While you were away");
    await messagesWith(room, "While you were away").waitFor();
    await expect.poll(() => navBadgeText(home)).toBe("1");
    // On screen in the room, but nobody looks: past the tab's own once-a-second look, still unread.
    await home.waitForTimeout(1500);
    expect(await navBadgeText(home)).toBe("1");

    // Back to the room's tab, without scrolling or a new message: read within about a second.
    await room.bringToFront();
    await expect.poll(() => navBadgeText(home), { timeout: 2500 }).toBe("");
  }, 60_000);

  it("shows who is online and drops them when they leave", async () => {
    const alice = await as("alice", 0, roomPath(1));
    await openRoom(alice, 1);
    await alice.getByRole("button", { name: "Members" }).click();
    const online = alice.getByRole("list", { name: "Online now" });
    await online.getByText("alice").waitFor();
    await alice.getByRole("heading", { name: "Online now (1)" }).waitFor();

    const bob = await as("bob", 1, roomPath(1));
    await openRoom(bob, 1);
    await online.getByText("bob").waitFor();
    await alice.getByRole("heading", { name: "Online now (2)" }).waitFor();
    await expect.poll(() => alice.getByTestId("online-counts").textContent()).toBe("2 students · 0 staff");
    // The member list marks them too.
    await alice.getByRole("list", { name: "Members" }).getByRole("listitem").filter({ hasText: "bob" }).locator(".online-dot").waitFor();

    await bob.getByRole("link", { name: "My courses" }).click();
    await online.getByText("bob").waitFor({ state: "detached" });
    await alice.getByRole("heading", { name: "Online now (1)" }).waitFor();
  }, 60_000);

  it("shows another user typing, and forgets them when they stop; never a question being written", async () => {
    const alice = await as("alice", 0, roomPath(1));
    const bob = await as("bob", 1, roomPath(1));
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);
    const line = alice.getByTestId("typing-line");

    await messageInput(bob).pressSequentially("I am wri");
    await expect.poll(() => line.textContent()).toBe("bob is typing…");
    await alice.getByRole("button", { name: "Members" }).click();
    await alice.getByRole("list", { name: "Online now" }).getByText("bob").waitFor();
    await screenshot(alice, "read-state-typing-online");
    const stoppedAt = Date.now();
    // No renewal: the server says "stopped" 6 s after the last notice.
    await expect.poll(() => line.textContent(), { timeout: 12_000 }).toBe("");
    expect(Date.now() - stoppedAt).toBeGreaterThan(3000);

    // Sending ends it at once.
    await messageInput(bob).pressSequentially("Typing and then");
    await expect.poll(() => line.textContent()).toBe("bob is typing…");
    await messageInput(bob).press("Enter");
    await messagesWith(alice, "Typing and then").waitFor();
    await expect.poll(() => line.textContent(), { timeout: 2000 }).toBe("");

    // A question (anonymous, or not yet) tells nobody who is writing it.
    await bob.getByRole("button", { name: "Question", exact: true }).click();
    await bob.getByRole("checkbox", { name: "Anonymous to classmates" }).check();
    await messageInput(bob).pressSequentially("Who asks this?");
    // A notice would show within a few milliseconds; nothing to wait for but time.
    await alice.waitForTimeout(1500);
    expect(await line.textContent()).toBe("");
    await messageInput(bob).press("Enter");
    await messagesWith(alice, "Who asks this?").waitFor();
  }, 60_000);
});
