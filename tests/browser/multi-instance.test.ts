import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, REDIS_URL, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { launchBrowser, openAs, openRoom, roomPath, send, senderOf } from "../support/browser.js";

describe("chat across two server instances sharing PostgreSQL and Redis", () => {
  let db: TestDatabase;
  const servers: ServerProcess[] = [];
  let browser: Browser;

  beforeAll(async () => {
    const browserStarting = launchBrowser();
    db = await freshPostgres();
    const shared = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: freshRedisPrefix(),
      SECRET_KEY: TEST_SECRET,
      CLIENT_DIST: "client/dist",
      SEND_RATE_LIMIT: "off",
    };
    // A migrates and seeds; B starts on the ready schema.
    servers.push(await startServerProcess({ ...shared, MIGRATE_ON_START: "true", SEED_DEMO: "true" }));
    servers.push(await startServerProcess({ ...shared, MIGRATE_ON_START: "false", SEED_DEMO: "false" }));
    browser = await browserStarting;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it("delivers messages both ways between users on different instances", async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error("servers did not start");
    const [alice, bob] = await Promise.all([
      openAs(browser, a.url, "alice", roomPath(1)),
      openAs(browser, b.url, "bob", roomPath(1)),
    ]);
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);

    await send(alice, "Hello from instance A");
    expect(await senderOf(bob, "Hello from instance A")).toBe("alice");
    expect(await senderOf(alice, "Hello from instance A")).toBe("Me");

    await send(bob, "Hello back from instance B");
    expect(await senderOf(alice, "Hello back from instance B")).toBe("bob");
    expect(await senderOf(bob, "Hello back from instance B")).toBe("Me");
  });
});
