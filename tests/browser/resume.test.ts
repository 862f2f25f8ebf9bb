import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.js";
import { cuttableSocket } from "../support/socket-cut.js";
import { DEMO_PASSWORD, messageInput, messagesWith, openAs, openRoom, roomPath, send, demoRoom } from "../support/browser.js";

/** Every message id the room shows, top to bottom. */
const shownIds = (page: Page) =>
  page.locator("[data-testid=message-list] > li").evaluateAll((items) => items.map((item) => item.getAttribute("data-message-id") ?? ""));
const shownTexts = (page: Page) => page.locator("[data-testid=message-list] > li .content").allTextContents();

describe("a room resumes from what it received, not from its own send", () => {
  const demo = demoRoom();

  async function storedIds(): Promise<string[]> {
    const login = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "bob", p: DEMO_PASSWORD });
    const res = await graphql<{ messages: { id: string }[] }>(demo.server.url, "{ messages(courseId: 1, last: 100) { id } }", {}, login.data?.login.token);
    return res.data!.messages.map((m) => m.id);
  }

  it("shows every message once, in order, after sending while the socket was down and others wrote", async () => {
    const [alice, bob] = await Promise.all([openAs(demo.browser, demo.server.url, "alice", roomPath(1)), openAs(demo.browser, demo.server.url, "bob", roomPath(1))]);
    const socket = await cuttableSocket(alice);
    await alice.reload(); // the socket opened from now on goes through the route
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);

    await socket.cut();
    await alice.locator(".badge[data-state=reconnecting]").waitFor();
    await send(bob, "Sent while alice's socket was down 1");
    await send(bob, "Sent while alice's socket was down 2");
    await messagesWith(bob, "Sent while alice's socket was down 2").waitFor();
    // Over HTTP, which still works: answered with an id newer than bob's two.
    await send(alice, "Mine, sent while my socket was down");
    await messagesWith(alice, "Mine, sent while my socket was down").waitFor();
    await send(bob, "Sent after alice's message");
    await messagesWith(bob, "Sent after alice's message").waitFor();

    socket.restore();
    await alice.locator(".badge[data-state=live]").waitFor({ timeout: 30_000 });
    await send(bob, "Once alice was back");
    await messagesWith(alice, "Once alice was back").waitFor();

    // Exactly what the server stored and bob sees: every message once, in order.
    const stored = await storedIds();
    await expect.poll(() => shownIds(alice)).toEqual(stored);
    expect(await shownIds(bob)).toEqual(stored);
    const texts = await shownTexts(alice);
    expect(texts.slice(-5)).toEqual([
      "Sent while alice's socket was down 1",
      "Sent while alice's socket was down 2",
      "Mine, sent while my socket was down",
      "Sent after alice's message",
      "Once alice was back",
    ]);
    await Promise.all([alice.context().close(), bob.context().close()]);
  }, 60_000);

  it("after a server restart, sends what was written meanwhile, and shows it and what others sent meanwhile once each, in order", async () => {
    const alice = await openAs(demo.browser, demo.server.url, "alice", roomPath(1));
    await openRoom(alice, 1);
    const port = demo.server.port;
    await demo.server.stop();
    await alice.locator(".badge[data-state=reconnecting]").waitFor();
    await messageInput(alice).fill("Written while the server restarted");
    await messageInput(alice).press("Enter");
    // Not lost: shown as not sent yet, with why.
    const unsent = alice.getByTestId("outbox").locator("li", { hasText: "Written while the server restarted" });
    await unsent.getByText(/waiting for the connection/).waitFor();

    await demo.startAgain(port);
    const login = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "bob", p: DEMO_PASSWORD });
    // Most likely stored before alice's socket is back: then it comes from the resumed stream's replay.
    const sent = await graphql(demo.server.url, `mutation { sendMessage(courseId: 1, content: "Bob, right after the restart") { id } }`, {}, login.data?.login.token);
    expect(sent.errors).toBeUndefined();

    await alice.locator(".badge[data-state=live]").waitFor({ timeout: 30_000 });
    await messagesWith(alice, "Written while the server restarted").waitFor({ timeout: 20_000 });
    await unsent.waitFor({ state: "detached" });
    const stored = await storedIds();
    await expect.poll(() => shownIds(alice)).toEqual(stored);
    // Both once; their order is the server's (whichever reached it first), as checked above.
    expect((await shownTexts(alice)).filter((t) => t.includes("restart")).sort()).toEqual(["Bob, right after the restart", "Written while the server restarted"]);
    await alice.context().close();
  }, 90_000);
});
