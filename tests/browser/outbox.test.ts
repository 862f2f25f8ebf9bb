import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "../support/axe.js";
import { graphql } from "../support/graphql.js";
import { cuttableSocket } from "../support/socket-cut.js";
import { DEMO_PASSWORD, messageInput, messagesWith, openAs, openRoom, roomPath, send, demoRoom } from "../support/browser.js";

const unsent = (page: Page, content: string) => page.getByTestId("outbox").locator("li", { hasText: content });
const shownTexts = (page: Page) => page.locator("[data-testid=message-list] > li .content").allTextContents();

/** The clientMessageId of every sendMessage request the page made for this content. */
function recordSends(page: Page): Map<string, string[]> {
  const sends = new Map<string, string[]>();
  page.on("request", (request) => {
    const body = request.postDataJSON() as { operationName?: string; variables?: { content?: string; clientMessageId?: string } } | null;
    if (body?.operationName !== "SendMessage" || !body.variables?.content) return;
    sends.set(body.variables.content, [...(sends.get(body.variables.content) ?? []), body.variables.clientMessageId ?? ""]);
  });
  return sends;
}

describe("the outbox: a message the user wrote is never dropped", () => {
  const demo = demoRoom({ SEND_RATE_LIMIT: "3/4s" });

  it("shows sends refused by the rate limit as waiting, with why, and sends them by itself, in order", async () => {
    const [bob, alice] = await Promise.all([openAs(demo.browser, demo.server.url, "bob", roomPath(1)), openAs(demo.browser, demo.server.url, "alice", roomPath(1))]);
    await Promise.all([openRoom(bob, 1), openRoom(alice, 1)]);
    const sends = recordSends(bob);
    const written = [1, 2, 3, 4, 5, 6, 7].map((n) => `Quick message ${n}`);
    for (const content of written) await send(bob, content);
    expect(await messageInput(bob).inputValue()).toBe("");

    // The fourth is refused: visibly waiting, with the reason and a countdown.
    const refused = "Quick message 4";
    await unsent(bob, refused).getByText(/too fast\. Sending again in \d+ s/).waitFor();
    expect(await unsent(bob, "Quick message 7").count()).toBe(1);
    expect(await accessibilityProblems(bob)).toEqual([]);

    // Then everything goes through by itself, once each, in the order written, for both.
    await messagesWith(bob, "Quick message 7").waitFor({ timeout: 20_000 });
    await messagesWith(alice, "Quick message 7").waitFor();
    for (const page of [bob, alice]) expect((await shownTexts(page)).filter((t) => t.startsWith("Quick message"))).toEqual(written);
    expect(await bob.getByTestId("outbox").count()).toBe(0);
    // Each retry carried its message's own clientMessageId.
    const retried = sends.get(refused) ?? [];
    expect(retried.length).toBeGreaterThanOrEqual(2);
    expect(new Set(retried).size).toBe(1);
    await Promise.all([bob.context().close(), alice.context().close()]);
  }, 60_000);

  it("keeps an unsent message across a reload and sends it, once, when the network is back", async () => {
    const bob = await openAs(demo.browser, demo.server.url, "bob", roomPath(1));
    await openRoom(bob, 1);
    const sends = recordSends(bob);
    // Sends cannot reach the server (the page and its socket still load).
    await bob.route("**/graphql", (route) => (route.request().postData()?.includes("sendMessage") ? route.abort("internetdisconnected") : route.continue()));
    await send(bob, "Kept across a reload");
    await unsent(bob, "Kept across a reload").getByText(/waiting for the connection/).waitFor();

    await bob.reload();
    await openRoom(bob, 1);
    await unsent(bob, "Kept across a reload").waitFor();
    expect(await messagesWith(bob, "Kept across a reload").count()).toBe(0);

    await bob.unrouteAll();
    await messagesWith(bob, "Kept across a reload").waitFor({ timeout: 20_000 });
    await unsent(bob, "Kept across a reload").waitFor({ state: "detached" });
    // The same clientMessageId before and after the reload.
    expect(new Set(sends.get("Kept across a reload")).size).toBe(1);
    expect(JSON.parse(String(await bob.evaluate(`JSON.stringify(Object.keys(localStorage).filter((k) => k.startsWith("educa-chat.outbox.")))`)))).toEqual([]);
    await bob.context().close();
  }, 60_000);

  it("marks a message refused for good as failed, with the reason, and sends it on Retry", async () => {
    const carol = await openAs(demo.browser, demo.server.url, "carol", roomPath(2));
    // The setting reaches an open composer live and locks it; with the socket down it cannot,
    // so the server itself refuses the send.
    const socket = await cuttableSocket(carol);
    await carol.reload();
    await openRoom(carol, 2);
    await socket.cut();
    await carol.locator(".badge[data-state=reconnecting]").waitFor();
    const login = await graphql<{ login: { token: string } }>(demo.server.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "ada", p: DEMO_PASSWORD });
    const settings = (on: boolean) =>
      graphql(demo.server.url, `mutation ($on: Boolean) { updateRoomSettings(courseId: 2, announcementOnly: $on) { id } }`, { on }, login.data?.login.token);
    expect((await settings(true)).errors).toBeUndefined();

    await send(carol, "Refused: announcements only");
    const failed = unsent(carol, "Refused: announcements only");
    await failed.getByText(/announcement-only/).waitFor();
    await failed.getByRole("button", { name: "Discard" }).waitFor();
    expect(await accessibilityProblems(carol)).toEqual([]);

    expect((await settings(false)).errors).toBeUndefined();
    socket.restore();
    await carol.locator(".badge[data-state=live]").waitFor({ timeout: 30_000 });
    await failed.getByRole("button", { name: "Retry" }).click();
    await messagesWith(carol, "Refused: announcements only").waitFor();
    await failed.waitFor({ state: "detached" });
    await carol.context().close();
  });
});
