import { describe, expect, it } from "vitest";
import { openAs, openRoom, roomPath, send, senderOf, demoInstances } from "../support/browser.js";

describe("chat across two server instances sharing PostgreSQL and Redis", () => {
  const demo = demoInstances();
  const servers = demo.servers;

  it("delivers messages both ways between users on different instances", async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error("servers did not start");
    const [alice, bob] = await Promise.all([
      openAs(demo.browser, a.url, "alice", roomPath(1)),
      openAs(demo.browser, b.url, "bob", roomPath(1)),
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
