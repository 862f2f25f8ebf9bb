import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, type TestDatabase } from "../support/databases.js";
import { graphql } from "../support/graphql.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { DEMO_PASSWORD, launchBrowser, demoServerEnv } from "../support/browser.js";

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

  it("prefills the headers with the token of the user logged into the web app", async () => {
    const context = await offlineContext();
    // Logged into the web app: the session it keeps in localStorage.
    const session = { token: await token("alice"), user: { id: "1", username: "alice", role: "Student" } };
    await context.addInitScript(`localStorage.setItem("educa-chat.session", ${JSON.stringify(JSON.stringify(session))})`);
    const page = await context.newPage();
    await page.goto(`${server.url}/playground`);
    const headers = page.getByRole("region", { name: "Headers" }).locator(".graphiql-editor:not(.hidden) .CodeMirror-code");
    await expect.poll(() => headers.innerText()).toContain(`Bearer ${session.token}`);
    await context.close();
  });

  it("left this machine for nothing", () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
  });
});
