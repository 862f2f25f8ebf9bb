import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "../support/axe.js";
import { messagesWith, openAs, openRoom, roomPath, send, demoRoom } from "../support/browser.js";

describe("the connection state tells the truth", () => {
  const demo = demoRoom();

  it("says offline while the browser is, keeps what is written meanwhile, and is live again after", async () => {
    const [alice, bob] = await Promise.all([openAs(demo.browser, demo.server.url, "alice", roomPath(1)), openAs(demo.browser, demo.server.url, "bob", roomPath(1))]);
    await Promise.all([openRoom(alice, 1), openRoom(bob, 1)]);
    await alice.context().setOffline(true);
    await alice.locator(".badge[data-state=offline]", { hasText: "Offline" }).waitFor();
    await alice.getByRole("alert").filter({ hasText: "You are offline" }).waitFor();
    await send(alice, "Written while offline");
    await alice.getByTestId("outbox").getByText("Written while offline").waitFor();
    expect(await accessibilityProblems(alice)).toEqual([]);

    await alice.context().setOffline(false);
    await alice.locator(".badge[data-state=live]").waitFor({ timeout: 20_000 });
    await messagesWith(bob, "Written while offline").waitFor({ timeout: 20_000 });
    expect(await alice.locator(".chat-alerts").textContent()).toBe("");
    await Promise.all([alice.context().close(), bob.context().close()]);
  }, 60_000);

  it("gives the reason while reconnecting, and clears 'Cannot reach the server' once back", async () => {
    const alice = await openAs(demo.browser, demo.server.url, "alice", roomPath(1));
    await openRoom(alice, 1);
    await send(alice, "Delete me while the server is away");
    const mine = messagesWith(alice, "Delete me while the server is away");
    await mine.waitFor();

    const port = demo.server.port;
    await demo.server.stop();
    // Stopped with SIGTERM: the server closed the socket saying it is going away.
    await alice.getByRole("alert").filter({ hasText: "Connection lost. Reconnecting… The server is restarting." }).waitFor();
    await alice.getByRole("status").filter({ hasText: /Reconnecting….*Trying again in \d+ s/ }).waitFor({ timeout: 20_000 });
    await alice.getByRole("button", { name: "Retry now" }).waitFor();
    alice.once("dialog", (dialog) => void dialog.accept());
    await mine.getByRole("button", { name: /Delete/ }).click();
    await alice.getByRole("alert").filter({ hasText: "Cannot reach the server" }).waitFor();

    await demo.startAgain(port);
    // Retry now is there between attempts; an attempt of its own may already be getting through.
    await alice
      .getByRole("button", { name: "Retry now" })
      .click({ timeout: 5000 })
      .catch(() => undefined);
    await alice.locator(".badge[data-state=live]").waitFor({ timeout: 20_000 });
    await expect.poll(() => alice.locator(".chat-alerts").textContent()).toBe("");
    await alice.context().close();
  }, 60_000);
});
