import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql } from "../support/graphql.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { DEMO_PASSWORD, launchBrowser, messagesWith, openAs, openRoom, roomPath, send, senderOf } from "../support/browser.js";

describe("chat room across reloads and server restarts", () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  const env = () => ({
    DATABASE_URL: db.url,
    SECRET_KEY: TEST_SECRET,
    SEED_DEMO: "true",
    CLIENT_DIST: "client/dist",
    SEND_RATE_LIMIT: "off",
  });

  beforeAll(async () => {
    db = freshSqlite();
    [server, browser] = await Promise.all([startServerProcess(env()), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  async function sendAsBob(content: string): Promise<void> {
    const login = await graphql<{ login: { token: string } }>(
      server.url,
      "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
      { u: "bob", p: DEMO_PASSWORD },
    );
    const token = login.data?.login.token;
    const sent = await graphql(
      server.url,
      "mutation ($c: String!) { sendMessage(courseId: 1, content: $c) { id } }",
      { c: content },
      token,
    );
    expect(sent.errors).toBeUndefined();
  }

  it("keeps history over a reload and catches up after the server restarts", async () => {
    const alice = await openAs(browser, server.url, "alice", roomPath(1));
    await openRoom(alice, 1);
    await send(alice, "Written before the reload");
    await messagesWith(alice, "Written before the reload").waitFor();

    await alice.reload();
    await openRoom(alice, 1);
    expect(await senderOf(alice, "Written before the reload")).toBe("Me");

    const port = server.port;
    await server.stop();
    await alice.locator(".badge", { hasText: "Reconnecting" }).waitFor();
    await alice.getByRole("alert").filter({ hasText: "Connection lost" }).waitFor();

    server = await startServerProcess({ ...env(), PORT: String(port) });
    // Likely sent before the client's next retry: it must come from the resumed subscription's replay.
    await sendAsBob("Sent while you were away 1");
    await sendAsBob("Sent while you were away 2");
    await alice.locator(".badge[data-state=live]").waitFor({ timeout: 20_000 });
    await sendAsBob("Sent once you were back");

    for (const content of ["Sent while you were away 1", "Sent while you were away 2", "Sent once you were back"]) {
      expect(await senderOf(alice, content)).toBe("bob");
    }
    // A last message proves delivery has settled; then nothing appears twice.
    await sendAsBob("Last one");
    await messagesWith(alice, "Last one").waitFor();
    const ids = await alice.locator("[data-testid=message-list] > li").evaluateAll((items) =>
      items.map((item) => item.getAttribute("data-message-id")),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(await messagesWith(alice, "Written before the reload").count()).toBe(1);
  }, 60_000); // a server restart and the client's reconnect backoff, on a busy machine
});
