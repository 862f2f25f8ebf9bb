import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import {
  DEMO_PASSWORD,
  launchBrowser,
  messageInput,
  messagesWith,
  openAs,
  openRoom,
  roomPath,
  send,
} from "../support/browser.js";

const TOKEN_TTL_MS = 4_000;

let browser: Browser;
/** Sends are limited to 3 a minute here. */
let limited: ServerProcess;
let limitedDb: TestDatabase;
/** Tokens live 4 s here. */
let shortLived: ServerProcess;
let shortLivedDb: TestDatabase;
const shortLivedEnv = () => ({
  DATABASE_URL: shortLivedDb.url,
  SECRET_KEY: TEST_SECRET,
  SEED_DEMO: "true",
  CLIENT_DIST: "client/dist",
  SEND_RATE_LIMIT: "off",
  TOKEN_TTL: `${TOKEN_TTL_MS / 1000}s`,
});

beforeAll(async () => {
  limitedDb = freshSqlite();
  shortLivedDb = freshSqlite();
  [browser, limited, shortLived] = await Promise.all([
    launchBrowser(),
    startServerProcess({
      DATABASE_URL: limitedDb.url,
      SECRET_KEY: TEST_SECRET,
      SEED_DEMO: "true",
      CLIENT_DIST: "client/dist",
      SEND_RATE_LIMIT: "3/60s",
    }),
    startServerProcess(shortLivedEnv()),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([limited?.stop(), shortLived?.stop()]);
  await Promise.all([limitedDb?.drop(), shortLivedDb?.drop()]);
});

const messageCount = (page: Page) => page.locator("[data-testid=message-list] > li").count();

describe("sending errors in the chat room", () => {
  let page: Page | undefined;

  afterEach(async () => {
    await page?.context().close();
    page = undefined;
  });

  it("tells a student sending too fast how long to wait, and keeps the refused message to send by itself", async () => {
    page = await openAs(browser, limited.url, "bob", roomPath(1));
    await openRoom(page, 1);
    for (const n of [1, 2, 3, 4]) await send(page, `Quick message ${n}`);

    // The first three went through; the fourth is refused, shown as waiting with the wait, not dropped.
    const waiting = page.getByTestId("outbox").locator("li", { hasText: "Quick message 4" });
    const status = waiting.getByRole("status");
    await status.filter({ hasText: "too fast" }).waitFor();
    expect(await status.innerText()).toMatch(/sending again in \d+ s/i);
    for (const n of [1, 2, 3]) await messagesWith(page, `Quick message ${n}`).waitFor();
    expect(await messagesWith(page, "Quick message 4").count()).toBe(0);
    expect(await messageInput(page).inputValue()).toBe("");
    await waiting.getByRole("button", { name: "Retry now" }).waitFor();
  });

  it("refuses a message over 4000 characters without sending it", async () => {
    page = await openAs(browser, limited.url, "alice", roomPath(1));
    await openRoom(page, 1);
    const sends: string[] = [];
    page.on("request", (request) => {
      if (request.postData()?.includes("sendMessage")) sends.push(request.url());
    });
    const before = await messageCount(page);
    const long = "x".repeat(4001);

    await send(page, long);
    await page.getByRole("alert").filter({ hasText: "too long" }).waitFor();
    expect(await page.getByRole("alert").innerText()).toContain("at most 4000 characters");
    // Nothing left the page, nothing was added, and the text is still there to shorten.
    expect(sends).toEqual([]);
    expect(await messageCount(page)).toBe(before);
    await expect.poll(() => messageInput(page!).inputValue()).toBe(long);
  });
});

describe("a session that expires while the room is open", () => {
  it("sends the user to log in when the socket is refused with 4401, then back to the room", async () => {
    const page = await openAs(browser, shortLived.url, "bob", roomPath(1));
    await openRoom(page, 1);
    // When the page's token expires: its JWT's exp claim (whole seconds).
    const token = String(await page.evaluate(`JSON.parse(localStorage.getItem("educa-chat.session")).token`));
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { exp: number };
    const expiresAt = payload.exp * 1000;
    // Renewing is out of reach (as if every attempt fell while the server was away): a client
    // that can renew reconnects with the new token instead (token-refresh.test.ts).
    await page.route("**/graphql", (route) => (route.request().postData()?.includes("refreshToken") ? route.abort() : route.continue()));

    // The server goes away just before the token expires and comes back once it has: the
    // client's reconnect presents the expired token, and the server closes with 4401.
    const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    await sleepUntil(expiresAt - 1_000);
    const port = shortLived.port;
    await shortLived.stop();
    await page.locator(".badge", { hasText: "Reconnecting" }).waitFor();
    await sleepUntil(expiresAt + 500);
    shortLived = await startServerProcess({ ...shortLivedEnv(), PORT: String(port) });

    await page.waitForURL((url) => url.pathname === "/login", { timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get("next")).toBe(roomPath(1));
    await page.getByText("Your session has expired").waitFor();
    // The server logs the close once the socket has finished closing, which can reach this
    // process after the page has already moved on.
    await expect.poll(() => shortLived.logs.some((line) => line.includes('"code":4401')), { timeout: 5_000 }).toBe(true);
    await page.unrouteAll();

    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((url) => url.pathname === roomPath(1));
    await openRoom(page, 1);
    await page.context().close();
  }, 60_000); // a server restart and the client's reconnect backoff, on a busy machine
});
