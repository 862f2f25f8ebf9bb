import { TEST_SECRET } from "./databases.js";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";

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
