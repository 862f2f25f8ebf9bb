import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { cuttableSocket } from "../support/socket-cut.js";
import { messageInput, messagesWith, openAs, openRoom, roomPath, screenshot, send, demoInstances } from "../support/browser.js";

/**
 * Edits, replies and threads, reactions and mentions as two users see them in two browsers,
 * each on its own server instance (PostgreSQL and Redis shared), live and after a network loss.
 */
describe("the room timeline in the web client, across two instances", () => {
  const demo = demoInstances();
  const servers = demo.servers;
  let alice: Page;
  let bob: Page;

  /** alice on instance A, bob on instance B, both in room 1; bob's socket can be cut. */
  async function open() {
    const [a, b] = servers;
    if (!a || !b) throw new Error("servers did not start");
    [alice, bob] = await Promise.all([openAs(demo.browser, a.url, "alice", roomPath(1)), openAs(demo.browser, b.url, "bob", roomPath(1))]);
    const socket = await cuttableSocket(bob);
    await bob.reload(); // the socket opened from now on goes through the route
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);
    return socket;
  }
  const close = () => Promise.all([alice.context().close(), bob.context().close()]);
  const textOf = (page: Page, id: string) => page.locator(`[data-testid=message-list] > li[data-message-id="${id}"] .content`);
  const idOf = (page: Page, content: string) => messagesWith(page, content).getAttribute("data-message-id");
  const reactionButton = (page: Page, content: string, emoji: string) => messagesWith(page, content).getByRole("button", { name: new RegExp(`^${emoji}`) });

  it("edits in place, live on the other instance: Edit and Enter, the Up arrow, Escape, and errors", async () => {
    await open();
    await send(alice, "Teh meeting is at noon");
    const id = await idOf(bob, "Teh meeting is at noon");
    if (!id) throw new Error("no id");

    await messagesWith(alice, "Teh meeting is at noon").getByRole("button", { name: "Edit my message" }).click();
    const editor = alice.getByRole("textbox", { name: "Edit", exact: true });
    await expect.poll(() => editor.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await editor.fill("The meeting is at noon");
    await editor.press("Enter");
    await expect.poll(() => textOf(bob, id).textContent()).toBe("The meeting is at noon");
    await bob.locator(`li[data-message-id="${id}"] .edited`, { hasText: "(edited)" }).waitFor();
    await alice.locator(`li[data-message-id="${id}"] .edited`).waitFor();

    // The Up arrow in the empty composer edits my last message; Escape leaves it as it was.
    await messageInput(alice).press("ArrowUp");
    await editor.fill("Not saved");
    await editor.press("Escape");
    await editor.waitFor({ state: "detached" });
    expect(await textOf(alice, id).textContent()).toBe("The meeting is at noon");
    await expect.poll(() => messageInput(alice).evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);

    // Emptied: refused with a reason, the editor stays open.
    await messageInput(alice).press("ArrowUp");
    await editor.fill("   ");
    await editor.press("Enter");
    await alice.getByRole("alert").filter({ hasText: "cannot be empty" }).waitFor();
    await editor.press("Escape");

    // Someone else's message has no Edit.
    await send(bob, "Bob's own words");
    await messagesWith(alice, "Bob's own words").waitFor();
    expect(await messagesWith(alice, "Bob's own words").getByRole("button", { name: "Edit my message" }).count()).toBe(0);
    await close();
  }, 60_000);

  it("replies in a thread panel, live on both sides, quoted in the room", async () => {
    await open();
    await send(alice, "Who has read chapter 3?");
    await messagesWith(bob, "Who has read chapter 3?").getByRole("button", { name: "Reply to message from alice" }).click();
    const bobThread = bob.getByRole("complementary", { name: "Thread" });
    await bobThread.getByRole("list", { name: "First message" }).getByText("Who has read chapter 3?").waitFor();
    await bobThread.getByRole("textbox", { name: "Reply" }).fill("I have, it is long");
    await bobThread.getByRole("textbox", { name: "Reply" }).press("Enter");
    await bobThread.getByTestId("thread-list").getByText("I have, it is long").waitFor();

    // In alice's room: the reply, quoting what it answers, and the count on the first message.
    const reply = messagesWith(alice, "I have, it is long");
    await reply.getByRole("button", { name: /In reply to alice Who has read chapter 3\?/ }).waitFor();
    await messagesWith(alice, "Who has read chapter 3?").getByRole("button", { name: "1 reply" }).click();
    const aliceThread = alice.getByRole("complementary", { name: "Thread" });
    await aliceThread.getByTestId("thread-list").getByText("I have, it is long").waitFor();

    // The open panel follows the thread live; a reply from the panel goes to both.
    await bobThread.getByRole("textbox", { name: "Reply" }).fill("Section 3.2 is the hard part");
    await bobThread.getByRole("textbox", { name: "Reply" }).press("Enter");
    await aliceThread.getByTestId("thread-list").getByText("Section 3.2 is the hard part").waitFor();
    await aliceThread.getByRole("textbox", { name: "Reply" }).fill("Thanks!");
    await aliceThread.getByRole("textbox", { name: "Reply" }).press("Enter");
    await bobThread.getByTestId("thread-list").getByText("Thanks!").waitFor();
    await messagesWith(bob, "Who has read chapter 3?").getByRole("button", { name: "3 replies" }).waitFor();
    expect(await aliceThread.getByTestId("thread-list").locator("> li .content").allTextContents()).toEqual(["I have, it is long", "Section 3.2 is the hard part", "Thanks!"]);
    await messagesWith(alice, "I have, it is long").getByRole("button", { name: /^React to message/ }).click();
    await alice.getByRole("group", { name: "Pick a reaction" }).getByRole("button", { name: /thumbs up/ }).click();
    await reactionButton(bob, "I have, it is long", "👍").waitFor();
    await screenshot(bob, "thread-panel");
    await close();
  }, 60_000);

  it("reacts with the picker, shows counts and who reacted, and toggles my own", async () => {
    await open();
    await send(bob, "Quiz results are out");
    const toggle = messagesWith(alice, "Quiz results are out").getByRole("button", { name: /^React to message/ });
    const picker = alice.getByRole("group", { name: "Pick a reaction" });
    // Opened, the focus is on the first emoji; Escape closes it, the focus back on React.
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => picker.getByRole("button").first().evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await alice.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    expect(await toggle.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await toggle.click();
    await picker.getByRole("button", { name: /thumbs up/ }).click();

    const onBob = reactionButton(bob, "Quiz results are out", "👍");
    await expect.poll(() => onBob.textContent()).toContain("1");
    expect(await onBob.getAttribute("title")).toBe("alice");
    expect(await onBob.getAttribute("aria-pressed")).toBe("false");
    await onBob.click();
    await expect.poll(() => onBob.getAttribute("aria-pressed")).toBe("true");
    const onAlice = reactionButton(alice, "Quiz results are out", "👍");
    await expect.poll(() => onAlice.getAttribute("title")).toBe("You and bob");
    expect(await onAlice.textContent()).toContain("2");

    // Taking mine back.
    await onAlice.click();
    await expect.poll(() => onBob.getAttribute("title")).toBe("You");
    expect(await onAlice.getAttribute("aria-pressed")).toBe("false");
    await close();
  }, 60_000);

  it("suggests members to mention from the keyboard, and highlights the mention for whom it names", async () => {
    await open();
    await messageInput(alice).pressSequentially("Thanks @bo");
    const suggestions = alice.getByRole("listbox", { name: "People to mention" });
    await suggestions.getByRole("option", { name: /@bob/ }).waitFor();
    expect(await messageInput(alice).getAttribute("aria-activedescendant")).toBe(await suggestions.getByRole("option").first().getAttribute("id"));
    await messageInput(alice).press("Enter"); // picks, does not send
    expect(await messageInput(alice).inputValue()).toBe("Thanks @bob ");
    await suggestions.waitFor({ state: "detached" });
    await messageInput(alice).pressSequentially("for the notes");
    await messageInput(alice).press("Enter");

    const onBob = messagesWith(bob, "for the notes");
    await onBob.getByText("Mentions you").waitFor();
    expect(await onBob.getAttribute("class")).toContain("mentions-me");
    expect(await onBob.locator(".mention.mention-me").textContent()).toBe("@bob");
    const onAlice = messagesWith(alice, "for the notes");
    expect(await onAlice.locator(".mention").textContent()).toBe("@bob");
    expect(await onAlice.locator(".mention-me").count()).toBe(0);

    // Escape closes the suggestions and keeps what was typed; the writer is never suggested.
    await messageInput(alice).pressSequentially("@");
    await suggestions.waitFor();
    expect(await suggestions.getByRole("option", { name: /@alice/ }).count()).toBe(0);
    await messageInput(alice).press("ArrowDown");
    expect(await suggestions.getByRole("option", { selected: true }).getAttribute("id")).toBe(await messageInput(alice).getAttribute("aria-activedescendant"));
    await messageInput(alice).press("Escape");
    await suggestions.waitFor({ state: "detached" });
    expect(await messageInput(alice).inputValue()).toBe("@");
    await close();
  }, 60_000);

  it("after a network loss, shows the edits, deletions and reactions it missed", async () => {
    const socket = await open();
    for (const text of ["To be edited while bob is away", "To be deleted while bob is away", "To be reacted to while bob is away"]) await send(alice, text);
    const ids = await Promise.all(["To be edited", "To be deleted", "To be reacted to"].map((t) => idOf(bob, `${t} while bob is away`)));
    const [edited, deleted, reacted] = ids as [string, string, string];

    await socket.cut();
    await bob.locator(".badge[data-state=reconnecting]").waitFor();
    await messagesWith(alice, "To be edited while bob is away").getByRole("button", { name: "Edit my message" }).click();
    await alice.getByRole("textbox", { name: "Edit", exact: true }).fill("Edited while bob was away");
    await alice.getByRole("textbox", { name: "Edit", exact: true }).press("Enter");
    await messagesWith(alice, "Edited while bob was away").waitFor();
    alice.once("dialog", (dialog) => void dialog.accept());
    await messagesWith(alice, "To be deleted while bob is away").getByRole("button", { name: /Delete/ }).click();
    await alice.locator(`li[data-message-id="${deleted}"]`).getByText("This message was deleted.").waitFor();
    await messagesWith(alice, "To be reacted to while bob is away").getByRole("button", { name: /^React to message/ }).click();
    await alice.getByRole("group", { name: "Pick a reaction" }).getByRole("button", { name: /party/ }).click();
    await reactionButton(alice, "To be reacted to while bob is away", "🎉").waitFor();
    // Still the old state for bob: nothing reached him.
    expect(await textOf(bob, edited).textContent()).toBe("To be edited while bob is away");

    socket.restore();
    await bob.locator(".badge[data-state=live]").waitFor({ timeout: 30_000 });
    await expect.poll(() => textOf(bob, edited).textContent()).toBe("Edited while bob was away");
    await bob.locator(`li[data-message-id="${edited}"] .edited`).waitFor();
    await bob.locator(`li[data-message-id="${deleted}"]`).getByText("This message was deleted.").waitFor();
    const party = reactionButton(bob, "To be reacted to while bob is away", "🎉");
    await expect.poll(() => party.getAttribute("title")).toBe("alice");
    expect(await party.textContent()).toContain("1");
    expect(await bob.locator(`li[data-message-id="${reacted}"]`).count()).toBe(1);

    // And it is live again: an edit after the reconnect arrives too.
    await messagesWith(alice, "Edited while bob was away").getByRole("button", { name: "Edit my message" }).click();
    await alice.getByRole("textbox", { name: "Edit", exact: true }).fill("Edited once bob was back");
    await alice.getByRole("textbox", { name: "Edit", exact: true }).press("Enter");
    await expect.poll(() => textOf(bob, edited).textContent()).toBe("Edited once bob was back");
    await close();
  }, 90_000);
});
