import type { Page } from "playwright-core";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.js";
import { DEMO_PASSWORD, messagesWith, openAs, openRoom, roomPath, send, senderOf, demoRoom } from "../support/browser.js";

const TTL_SECONDS = 6;
const STAY_MS = 25_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a session that outlives its tokens", () => {
  const demo = demoRoom({ TOKEN_TTL: `${TTL_SECONDS}s` });

  /** bob, over the API: one login, then renewals as his token ages (the same TOKEN_TTL). */
  function apiUser(username: string) {
    let token: string | undefined;
    let obtainedAt = 0;
    const fresh = async () => {
      if (token && Date.now() - obtainedAt < (TTL_SECONDS * 1000) / 2) return token;
      const res = token
        ? await graphql<{ refreshToken: { token: string } }>(demo.server.url, "mutation { refreshToken { token } }", {}, token)
        : await graphql<{ login: { token: string } }>(
            demo.server.url,
            "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
            { u: username, p: DEMO_PASSWORD },
          );
      expect(res.errors).toBeUndefined();
      const data = res.data!;
      token = "login" in data ? data.login.token : data.refreshToken.token;
      obtainedAt = Date.now();
      return token;
    };
    return {
      async send(content: string) {
        const sent = await graphql(demo.server.url, "mutation ($c: String!) { sendMessage(courseId: 1, content: $c) { id } }", { c: content }, await fresh());
        expect(sent.errors).toBeUndefined();
      },
    };
  }

  const storedSession = async (page: Page) =>
    JSON.parse(String(await page.evaluate(`localStorage.getItem("educa-chat.session")`))) as { token: string; user: { id: string } } | null;

  /** The server's log lines about sockets. */
  const socketLog = () =>
    demo.server.logs
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; userId?: number; code?: number; reason?: string })
      .filter((entry) => entry.msg?.startsWith("websocket "));

  it("renews before expiry, reconnects after each 4401 with the new token, and misses nothing", async () => {
    const alice = await openAs(demo.browser, demo.server.url, "alice", roomPath(1));
    const loginVisits: string[] = [];
    alice.on("framenavigated", (frame) => {
      if (frame === alice.mainFrame() && new URL(frame.url()).pathname.startsWith("/login")) loginVisits.push(frame.url());
    });
    const renewals: number[] = [];
    alice.on("request", (request) => {
      if (request.method() === "POST" && request.postData()?.includes("refreshToken")) renewals.push(Date.now());
    });
    await openRoom(alice, 1);
    const first = await storedSession(alice);
    expect(first).not.toBeNull();
    const aliceId = first!.user.id;

    // bob writes throughout, one message at a time so `sent` is the order the server stored them.
    const bob = apiUser("bob");
    const sent: string[] = [];
    let queue = Promise.resolve();
    const post = (content: string) =>
      (queue = queue.then(async () => {
        await bob.send(content);
        sent.push(content);
      }));

    // Every later socket is a reconnect: hold its connection_init while bob writes, so some
    // messages are certainly stored while alice has no subscription and must come from `after`.
    let reconnects = 0;
    const closesSeen: (number | undefined)[] = [];
    await alice.routeWebSocket(/\/graphql$/, (ws) => {
      const n = ++reconnects;
      const upstream = ws.connectToServer();
      ws.onMessage(async (message) => {
        if (String(message).includes('"connection_init"')) {
          await post(`While reconnecting ${n}`);
          await sleep(300);
        }
        upstream.send(message);
      });
      upstream.onClose((code, reason) => {
        closesSeen.push(code);
        ws.close({ code, reason });
      });
    });

    const started = Date.now();
    for (let i = 1; Date.now() - started < STAY_MS; i++) {
      await post(`Across renewals ${i}`);
      await sleep(400);
    }

    // HTTP uses the renewed token too: the one alice logged in with expired long ago.
    await send(alice, "Still logged in");
    expect(await senderOf(alice, "Still logged in")).toBe("Me");
    await post("Last one");
    await messagesWith(alice, "Last one").waitFor();

    expect(loginVisits).toEqual([]);
    expect(new URL(alice.url()).pathname).toBe(roomPath(1));
    await alice.locator(".badge[data-state=live]").waitFor();

    // Every message bob sent, once each, in order, including those sent during reconnects.
    const shown = await alice.locator("[data-testid=message-list] > li .content").allTextContents();
    expect(shown.filter((text) => sent.includes(text))).toEqual(sent);
    expect(sent.filter((text) => text.startsWith("While reconnecting")).length).toBeGreaterThanOrEqual(2);
    const ids = await alice.locator("[data-testid=message-list] > li").evaluateAll((items) => items.map((item) => item.getAttribute("data-message-id")));
    expect(new Set(ids).size).toBe(ids.length);

    // The client renewed ahead of expiry (about every 0.75 × TTL) and kept the newest token.
    expect(renewals.length).toBeGreaterThanOrEqual(Math.floor(STAY_MS / (TTL_SECONDS * 1000)));
    const last = await storedSession(alice);
    expect(last?.token).not.toBe(first!.token);
    expect(decodeJwt(last!.token).exp! * 1000).toBeGreaterThan(Date.now());

    // The server did close alice's sockets with 4401 as their tokens expired, and each time she
    // came straight back with a token the server accepted: never refused, one socket open now.
    const log = socketLog();
    const hers = log.filter((entry) => String(entry.userId) === aliceId);
    const expired = hers.filter((entry) => entry.msg === "websocket closed" && entry.code === 4401 && entry.reason === "Token expired");
    expect(expired.length).toBeGreaterThanOrEqual(3);
    expect(log.filter((entry) => entry.msg === "websocket closed" && entry.reason === "Unauthorized")).toEqual([]);
    expect(closesSeen.length).toBeGreaterThanOrEqual(2);
    expect(closesSeen.every((code) => code === 4401)).toBe(true);
    const connected = hers.filter((entry) => entry.msg === "websocket connected").length;
    expect(connected).toBe(hers.filter((entry) => entry.msg === "websocket closed").length + 1);
  }, 90_000);
});
