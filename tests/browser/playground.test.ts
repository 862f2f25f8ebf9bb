import { SignJWT } from "jose";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql } from "../support/graphql.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { DEMO_PASSWORD, launchBrowser, demoServerEnv, openAs } from "../support/browser.js";

const isLocal = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

describe("GraphiQL playground, served offline from our own build", () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  /** Every URL the browser asked for (HTTP and WebSocket), and those the route refused. */
  const requested: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    db = freshSqlite();
    [server, browser] = await Promise.all([
      startServerProcess(demoServerEnv(db.url)),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  /** A context with no way off this machine: any request to another host is aborted. */
  async function offlineContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      refused.push(url);
      return route.abort("internetdisconnected");
    });
    context.on("request", (request) => requested.push(request.url()));
    context.on("page", (page) => page.on("websocket", (socket) => requested.push(socket.url())));
    return context;
  }

  async function token(username: string): Promise<string> {
    const login = await graphql<{ login: { token: string } }>(
      server.url,
      "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
      { u: username, p: DEMO_PASSWORD },
    );
    const value = login.data?.login.token;
    if (!value) throw new Error(`login failed: ${login.raw}`);
    return value;
  }

  const queryEditor = (page: Page): Locator => page.locator(".graphiql-query-editor .CodeMirror");
  const headersEditor = (page: Page): Locator =>
    page.getByRole("region", { name: "Headers" }).locator(".graphiql-editor:not(.hidden) .CodeMirror");
  const resultPane = (page: Page): Locator => page.locator(".result-window");

  /** Replaces an editor's text as a paste would (no auto-closed brackets). */
  async function setEditor(page: Page, editor: Locator, text: string): Promise<void> {
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
    await expect.poll(() => editor.locator(".CodeMirror-code").innerText()).toContain(text.slice(-20).trim());
  }

  async function run(page: Page, query: string): Promise<void> {
    await setEditor(page, queryEditor(page), query);
    await page.getByRole("button", { name: /^Execute query/ }).click();
  }

  it("redirects GET /graphql that asks for HTML to the playground", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/playground");
  });

  it("runs a query over HTTP and a subscription over graphql-ws with the token from the Headers tab", async () => {
    const context = await offlineContext();
    const page = await context.newPage();
    // A browser opening the API's URL lands on the playground.
    await page.goto(`${server.url}/graphql`);
    expect(new URL(page.url()).pathname).toBe("/playground");
    await queryEditor(page).waitFor();

    await setEditor(page, headersEditor(page), JSON.stringify({ Authorization: `Bearer ${await token("alice")}` }));
    await run(page, "{ courses { title } }");
    await resultPane(page).getByText("Introduction to Python").waitFor();

    await run(page, 'subscription { messageAdded(courseId: "1") { content user { username } } }');
    const bob = await token("bob");
    // The subscription goes live a moment after Execute: send until one of bob's messages shows.
    const deadline = Date.now() + 15_000;
    let delivered = false;
    for (let attempt = 1; !delivered; attempt++) {
      const sent = await graphql(
        server.url,
        "mutation ($c: String!) { sendMessage(courseId: 1, content: $c) { id } }",
        { c: `Live from bob ${attempt}` },
        bob,
      );
      expect(sent.errors).toBeUndefined();
      delivered = await resultPane(page)
        .getByText(/Live from bob \d+/)
        .first()
        .waitFor({ timeout: 1_000 })
        .then(() => true)
        .catch(() => false);
      if (!delivered && Date.now() > deadline) throw new Error(`no event in the result pane: ${await resultPane(page).innerText()}`);
    }
    expect(await resultPane(page).innerText()).toContain('"username": "bob"');
    // The subscription went over our own socket, which the test saw open.
    expect(requested.some((url) => url.startsWith(server.url.replace(/^http/, "ws")))).toBe(true);
    await context.close();
  });

  const authBar = (page: Page): Locator => page.locator(".pg-auth");
  /** Who the page says is logged in; wait on it with the context's timeout (logins hash passwords). */
  const who = (page: Page): Locator => authBar(page).getByRole("status");

  /** An Execute that shows something in the result pane; returns its text. */
  async function result(page: Page, query: string, expected: string | RegExp): Promise<string> {
    await run(page, query);
    await resultPane(page).getByText(expected).first().waitFor();
    return resultPane(page).innerText();
  }

  it("is linked from the web app's navigation and uses its session's token", async () => {
    const page = await openAs(browser, server.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API playground" }).click();
    await page.waitForURL((url) => url.pathname === "/playground");
    await who(page).filter({ hasText: "Logged in as alice (from the web app)" }).waitFor();
    expect(await result(page, "{ me { username } }", '"username": "alice"')).toContain('"username": "alice"');
    await page.context().close();
  });

  it("logs in from the page, keeps the token across a reload, and logs out for good", async () => {
    const context = await offlineContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/playground`);
    await who(page).filter({ hasText: "Not logged in" }).waitFor();
    expect(await page.locator("body").innerText()).not.toContain("log in below");

    const login = authBar(page).getByRole("form", { name: "Log in" });
    await login.getByLabel("Username").fill("bob");
    await login.getByLabel("Password").fill("not his password");
    await login.getByRole("button", { name: "Log in" }).click();
    await authBar(page).getByRole("alert").getByText("Wrong username or password.").waitFor();

    await login.getByLabel("Password").fill(DEMO_PASSWORD);
    await login.getByRole("button", { name: "Log in" }).click();
    await who(page).filter({ hasText: "Logged in as bob" }).waitFor();
    await result(page, "{ me { username } }", '"username": "bob"');

    await page.reload();
    await who(page).filter({ hasText: "Logged in as bob" }).waitFor();
    await result(page, "{ myCourses { title } }", "Introduction to Python");

    await authBar(page).getByRole("button", { name: "Log out" }).click();
    await page.reload();
    await who(page).filter({ hasText: "Not logged in" }).waitFor();
    await result(page, "{ me { username } }", '"me": null');
    await context.close();
  });

  it("takes a pasted token, and refuses one the server refuses", async () => {
    const context = await offlineContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/playground`);
    const paste = authBar(page).getByRole("form", { name: "Use a token" });
    await paste.getByLabel("Token").fill("not-a-token");
    await paste.getByRole("button", { name: "Use token" }).click();
    await authBar(page).getByRole("alert").getByText(/refused that token/).waitFor();
    await paste.getByLabel("Token").fill(`Bearer ${await token("carol")}`);
    await paste.getByRole("button", { name: "Use token" }).click();
    await who(page).filter({ hasText: "Logged in as carol" }).waitFor();
    await result(page, "{ me { username } }", '"username": "carol"');
    await context.close();
  });

  it("drops an expired token, says so, and keeps the schema and public queries working", async () => {
    const context = await offlineContext();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject("2")
      .setIssuer("educa-chat")
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    await context.addInitScript(`localStorage.setItem("educa-chat.playground.auth", ${JSON.stringify(JSON.stringify({ token: expired, username: "alice" }))})`);
    const page = await context.newPage();
    await page.goto(`${server.url}/playground`);
    // GraphiQL fetches the schema at once: the token is refused, dropped, and the fetch sent again without it.
    await authBar(page).getByRole("alert").getByText(/refused your token .* so it was dropped/).waitFor();
    await who(page).filter({ hasText: "Not logged in" }).waitFor();
    await page.getByRole("button", { name: /Documentation Explorer/ }).click();
    await page.getByRole("region", { name: "Documentation Explorer" }).getByText("Root Types").waitFor();
    await result(page, "{ courses { title } }", "Introduction to Python");
    // Dropped for good: a reload does not bring it back.
    await page.reload();
    await who(page).filter({ hasText: "Not logged in" }).waitFor();
    await context.close();
  });

  it("answers an anonymous subscription with words, not a close code and a stack", async () => {
    const context = await offlineContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/playground`);
    await who(page).filter({ hasText: "Not logged in" }).waitFor();
    const text = await result(page, 'subscription { messageAdded(courseId: "1") { content } }', /log in first/);
    expect(text).toContain("UNAUTHENTICATED");
    expect(text).not.toMatch(/4401|CloseEvent|\bat \S+:\d+|Error:/);
    await context.close();
  });

  it("left this machine for nothing", () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
  });
});
