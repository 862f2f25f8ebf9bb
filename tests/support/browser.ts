import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { freshPostgres, freshRedisPrefix, freshSqlite, REDIS_URL, TEST_SECRET, type TestDatabase } from "./databases.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

export const DEMO_PASSWORD = "educa-demo-password";

/** The system Chromium (never a downloaded one), headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh context (its own localStorage) logged in through the login form, landing on `next`. */
export async function openAs(browser: Browser, baseUrl: string, username: string, next = "/"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
  return page;
}

export const roomPath = (courseId: string | number) => `/courses/${courseId}/chat`;

/** Opens a room and waits until its live subscription is up. */
export async function openRoom(page: Page, courseId: string | number): Promise<void> {
  if (new URL(page.url()).pathname !== roomPath(courseId)) await page.goto(new URL(roomPath(courseId), page.url()).href);
  await messageInput(page).waitFor();
  await page.locator(".badge[data-state=live]").waitFor();
}

export const messageInput = (page: Page): Locator => page.getByRole("textbox", { name: "Message" });

/** The chat messages whose text is exactly `content`. */
export const messagesWith = (page: Page, content: string): Locator =>
  page.locator("[data-testid=message-list] > li").filter({ has: page.locator(".content", { hasText: content }) });

export async function send(page: Page, content: string): Promise<void> {
  await messageInput(page).fill(content);
  await messageInput(page).press("Enter");
}

/** Waits for a message to show and returns its sender label ("Me" or a username). */
export async function senderOf(page: Page, content: string): Promise<string | null> {
  const item = messagesWith(page, content);
  await item.waitFor(); // strict: fails if the message shows twice
  return item.locator(".sender").textContent();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync("test-results", { recursive: true });
  const path = `test-results/${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** A demo server for browser tests: seeded SQLite, the built web client, no send limit. */
export function demoServerEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET, SEED_DEMO: "true", CLIENT_DIST: "client/dist", SEND_RATE_LIMIT: "off", ...extra };
}

/** What demoRoom started for a test file; read inside tests (set once its beforeAll has run). */
export interface DemoRoom {
  readonly db: TestDatabase;
  readonly server: ServerProcess;
  readonly browser: Browser;
  /** A new server process on the same database and this port, once the test stopped the last one. */
  startAgain(port: number): Promise<void>;
}

/** A demo server on a fresh SQLite file and a browser, started before the file's tests and stopped after. */
export function demoRoom(extra: Record<string, string> = {}): DemoRoom {
  let db: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    db = freshSqlite();
    [server, browser] = await Promise.all([startServerProcess(demoServerEnv(db.url, extra)), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });
  return {
    get db() {
      return db!;
    },
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    async startAgain(port) {
      server = await startServerProcess({ ...demoServerEnv(db!.url, extra), PORT: String(port) });
    },
  };
}

/** What demoInstances started for a test file: two instances, then the browser. */
export interface DemoInstances {
  /** A, which migrated and seeded the demo, and B, which started on the ready schema. */
  readonly servers: readonly ServerProcess[];
  readonly db: TestDatabase;
  readonly browser: Browser;
}

/** Two demo instances sharing a fresh PostgreSQL database and Redis, and a browser, for one test file. */
export function demoInstances(): DemoInstances {
  const servers: ServerProcess[] = [];
  let db: TestDatabase | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const browserStarting = launchBrowser();
    db = await freshPostgres();
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET, CLIENT_DIST: "client/dist", SEND_RATE_LIMIT: "off" };
    servers.push(await startServerProcess({ ...shared, MIGRATE_ON_START: "true", SEED_DEMO: "true" }));
    servers.push(await startServerProcess({ ...shared, MIGRATE_ON_START: "false", SEED_DEMO: "false" }));
    browser = await browserStarting;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });
  return {
    servers,
    get db() {
      return db!;
    },
    get browser() {
      return browser!;
    },
  };
}
