import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "../support/axe.js";
import { DEMO_PASSWORD, messageInput, messagesWith, openRoom, roomPath, send, demoRoom } from "../support/browser.js";
import { graphql } from "../support/graphql.js";

/**
 * A user's pages are some twenty axe runs, each after the page's own requests: 12–17 s on a
 * quiet machine, and up to twice that beside the rest of the suite on two cores.
 */
const PAGES_TIMEOUT_MS = 90_000;

/**
 * axe-core on every page of the web client, as each kind of user sees it, in light and dark
 * mode and at desktop and phone width: no violations, and no serious "needs review" items.
 */
describe.each(["light", "dark"] as const)("accessibility (%s mode)", (colorScheme) => {
  const demo = demoRoom();
  const problems: string[] = [];

  async function visitor(width = 1280): Promise<Page> {
    const context = await demo.browser.newContext({ viewport: { width, height: 800 }, colorScheme });
    context.setDefaultTimeout(10_000);
    return context.newPage();
  }

  async function as(username: string, width = 1280): Promise<Page> {
    const page = await visitor(width);
    await page.goto(`${demo.server.url}/login`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Course catalogue" }).waitFor();
    return page;
  }

  /** Opens a page of the app (as the user would, by its address) and checks it once `ready` shows. */
  async function check(page: Page, label: string, ready: (page: Page) => Promise<unknown>, path?: string): Promise<void> {
    if (path !== undefined) await page.goto(`${demo.server.url}${path}`);
    await ready(page);
    problems.push(...(await accessibilityProblems(page)).map((p) => `${label}: ${p}`));
  }
  const heading = (name: string | RegExp) => (page: Page) => page.getByRole("heading", { name }).waitFor();

  /** The room's timeline states: a mention of me, reactions and the picker, a thread with suggestions open, editing. */
  async function checkTimeline(alice: Page): Promise<void> {
    const login = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "bob", p: DEMO_PASSWORD });
    await graphql(demo.server.url, `mutation { sendMessage(courseId: 1, content: "Hello @alice, did you see the **notes**?") { id } }`, {}, login.data?.login.token);
    const bobs = messagesWith(alice, "did you see the notes");
    await bobs.getByText("Mentions you").waitFor();
    await bobs.getByRole("button", { name: /^React to message/ }).click();
    await check(alice, "room, reaction picker", (p) => p.getByRole("group", { name: "Pick a reaction" }).waitFor());
    await alice.getByRole("button", { name: /React with thumbs up/ }).click();
    await check(alice, "room, a reaction of mine and a mention of me", () => bobs.locator("button.reaction[aria-pressed=true]").waitFor());
    await bobs.getByRole("button", { name: /Reply to message from bob/ }).click();
    const reply = alice.getByRole("textbox", { name: "Reply" });
    await reply.pressSequentially("Yes @bo");
    await check(alice, "room, thread, mention suggestions", (p) => p.getByRole("listbox", { name: "People to mention" }).waitFor());
    await reply.press("Enter");
    await reply.pressSequentially("thanks");
    await reply.press("Enter");
    await check(alice, "room, thread with a reply", (p) => p.getByTestId("thread-list").getByText("thanks").waitFor());
    await messageInput(alice).press("ArrowUp");
    const editor = alice.getByRole("textbox", { name: "Edit", exact: true });
    await check(alice, "room, editing a message", () => editor.waitFor());
    await editor.fill(" ");
    await editor.press("Enter");
    await check(alice, "room, edit refused", (p) => p.getByRole("alert").filter({ hasText: "cannot be empty" }).waitFor());
    await editor.press("Escape");
  }

  it("has no violations on the public pages", async () => {
    const page = await visitor();
    await check(page, "catalogue, anonymous", heading("Course catalogue"), "/");
    await check(page, "log in", heading("Log in"), "/login");
    await check(page, "log in, session expired", (p) => p.getByText("Your session has expired").waitFor(), "/login?expired=1");
    await check(page, "sign up", heading("Sign up"), "/register");
    await page.getByRole("button", { name: "Sign up" }).click(); // empty: the browser's own messages
    await check(page, "sign up, refused", heading("Sign up"));
    await page.context().close();
    expect(problems).toEqual([]);
  });

  it("has no violations on a student's pages", async () => {
    const alice = await as("alice");
    await check(alice, "catalogue", (p) => p.getByRole("link", { name: "Course chat room" }).first().waitFor(), "/");
    await check(alice, "my courses", heading("My courses"), "/my-courses");
    // Read state: a message from bob mentioning alice gives her unread and mention badges.
    const bobLogin = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "bob", p: DEMO_PASSWORD });
    const bobToken = bobLogin.data?.login.token;
    await graphql(demo.server.url, `mutation { sendMessage(courseId: 1, content: "A word for @alice before she looks") { id } }`, {}, bobToken);
    await check(alice, "my courses, unread and mention badges", (p) => p.locator('li[data-course-id="1"] .mention-badge').waitFor());
    await check(alice, "course page, member", (p) => p.getByRole("button", { name: "Leave course" }).waitFor(), "/courses/1");
    await check(alice, "new course, student", (p) => p.getByText("Only instructors and staff").waitFor(), "/courses/new");
    await check(alice, "message admin, student", (p) => p.getByText("Access denied").waitFor(), "/admin/messages");
    await check(alice, "page not found", heading("Page not found"), "/nowhere");
    await alice.goto(`${demo.server.url}${roomPath(1)}`);
    await openRoom(alice, 1);
    await check(alice, "room, new messages divider", (p) => p.getByTestId("unread-divider").waitFor());
    await send(alice, "Formatted: **bold**, `code`, a [link](https://example.org) and\n```\nprint('block')\n```");
    await messagesWith(alice, "Formatted:").waitFor();
    await check(alice, "room", (p) => p.locator(".badge[data-state=live]").waitFor());
    await alice.getByRole("button", { name: "Members" }).click();
    await check(alice, "room, members", (p) => p.getByRole("list", { name: "Members" }).waitFor());
    await graphql(demo.server.url, "mutation { typing(courseId: 1) }", {}, bobToken);
    await check(alice, "room, members online, someone typing", (p) => p.getByTestId("typing-line").getByText("bob is typing…").waitFor());
    await alice.getByRole("button", { name: "Search" }).click();
    await alice.getByRole("searchbox", { name: "Search this room" }).fill("course");
    await alice.getByRole("button", { name: "Search", exact: true }).last().click();
    await check(alice, "room, search results", (p) => p.getByRole("list", { name: "Search results" }).waitFor());
    await checkTimeline(alice);
    // Questions: the composer's question mode with its options, badges, suggestions, an answer form.
    await alice.getByRole("button", { name: "Question", exact: true }).click();
    await alice.getByRole("checkbox", { name: "Anonymous to classmates" }).check();
    await send(alice, "How do I read a CSV file into a list of rows?");
    await messagesWith(alice, "How do I read a CSV file into a list of rows?").getByText("You asked anonymously").waitFor();
    await alice.getByRole("button", { name: "Question", exact: true }).click();
    await alice.getByRole("checkbox", { name: "Private to staff" }).check();
    await alice.getByRole("textbox", { name: "Message" }).fill("read a CSV file");
    await check(alice, "room, asking, similar questions", (p) => p.getByRole("list", { name: "Similar questions" }).waitFor());
    await alice.getByRole("button", { name: "Question", exact: true }).click();
    await alice.getByRole("textbox", { name: "Message" }).fill("");
    await messagesWith(alice, "How do I read a CSV file").getByRole("button", { name: "Answer" }).click();
    await check(alice, "room, question badges, answer form", (p) => p.getByLabel("Your answer").waitFor());
    await check(alice, "question queue, student", (p) => p.getByText("Only the course's instructor and staff").waitFor(), "/courses/1/questions");
    await alice.context().close();

    const carol = await as("carol");
    await check(carol, "course page, not a member", (p) => p.getByRole("button", { name: /Enroll/ }).waitFor(), "/courses/1");
    await check(carol, "room, not enrolled", heading("You are not enrolled in this course"), roomPath(1));
    await carol.context().close();

    const phone = await as("bob", 390);
    await phone.goto(`${demo.server.url}${roomPath(1)}`);
    await openRoom(phone, 1);
    await check(phone, "room, phone", (p) => p.locator(".badge[data-state=live]").waitFor());
    await phone.getByRole("button", { name: "Menu" }).click();
    await check(phone, "room, phone, menu open", (p) => p.getByRole("navigation", { name: "Main" }).waitFor());
    await phone.getByRole("button", { name: "Search" }).click();
    await check(phone, "room, phone, search", (p) => p.getByRole("searchbox", { name: "Search this room" }).waitFor());
    await phone.getByRole("button", { name: "Close search" }).click();
    await phone.getByRole("button", { name: "Reply to message from alice" }).first().click();
    await check(phone, "room, phone, thread", (p) => p.getByRole("textbox", { name: "Reply" }).waitFor());
    await phone.context().close();
    expect(problems).toEqual([]);
  }, PAGES_TIMEOUT_MS);

  it("has no violations on an instructor's pages", async () => {
    const ada = await as("ada");
    await check(ada, "course page, instructor", heading("Room settings"), "/courses/1");
    await check(ada, "new course", heading("New course"), "/courses/new");
    await check(ada, "message admin", (p) => p.locator(".admin-table tbody tr").first().waitFor(), "/admin/messages");
    await ada.goto(`${demo.server.url}${roomPath(1)}`);
    await openRoom(ada, 1);
    await send(ada, "A message to delete");
    const doomed = messagesWith(ada, "A message to delete");
    ada.once("dialog", (dialog) => void dialog.accept());
    await doomed.getByRole("button", { name: /Delete/ }).click();
    await check(ada, "room, deleted placeholder", (p) => p.getByText("This message was deleted.").waitFor());
    await ada.getByRole("link", { name: "Questions", exact: true }).click();
    await check(ada, "question queue", (p) => p.getByRole("list", { name: "Open questions" }).getByText("How do I read a CSV file").waitFor());
    await ada.getByRole("link", { name: "Back to the chat room" }).click();
    await openRoom(ada, 1);
    await messagesWith(ada, "How do I read a CSV file").getByRole("button", { name: "Answer" }).click();
    await ada.getByLabel("Your answer").fill("Use the csv module: list(csv.reader(f)).");
    await ada.getByRole("button", { name: "Post answer" }).click();
    await messagesWith(ada, "Use the csv module").getByRole("button", { name: "Endorse" }).click();
    await check(ada, "room, answered question, endorsed answer", (p) => messagesWith(p, "Use the csv module").getByText("Endorsed").waitFor());
    await check(ada, "question queue, empty", (p) => p.getByText("No question is waiting for an answer.").waitFor(), "/courses/1/questions");
    await ada.context().close();

    // More unread for bob than the room's first page holds: the bar offering to jump back.
    const adaLogin = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "ada", p: DEMO_PASSWORD });
    for (let i = 1; i <= 55; i += 1) await graphql(demo.server.url, "mutation ($c: String!) { sendMessage(courseId: 1, content: $c) { id } }", { c: `Catching up ${i}` }, adaLogin.data?.login.token);
    for (const width of [1280, 390]) {
      const bob = await as("bob", width);
      await check(bob, `room, unread bar, ${width} px`, (p) => p.getByRole("region", { name: "Unread messages" }).getByRole("button", { name: "Jump to first unread" }).waitFor(), roomPath(1));
      await bob.context().close();
    }
    expect(problems).toEqual([]);
  }, PAGES_TIMEOUT_MS);
});
