import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectionStatus } from "./connection";

describe("connection status", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("says offline while the browser is, whatever the socket thinks, and why it is not live otherwise", () => {
    const status = new ConnectionStatus();
    expect(status.get()).toMatchObject({ state: "connecting", reason: "Connecting to the server…" });
    status.connected();
    expect(status.get()).toEqual({ state: "live", reason: null, retryAt: null });
    status.setOnline(false);
    expect(status.get()).toMatchObject({ state: "offline", reason: "Your device is offline." });
    status.setOnline(true);
    expect(status.get().state).toBe("live");
    status.closed(true, 1001);
    expect(status.get()).toMatchObject({ state: "reconnecting", reason: "The server is restarting." });
    status.connecting(true);
    expect(status.get()).toMatchObject({ state: "reconnecting", reason: "The server is restarting." });
  });

  it("shows when it tries again, and tries at once when the browser comes back online", async () => {
    const status = new ConnectionStatus();
    status.closed(true, 1006);
    let waited = false;
    void status.wait(8000).then(() => (waited = true));
    expect(status.get().retryAt).toBe(Date.now() + 8000);
    status.setOnline(false);
    status.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(waited).toBe(true);
    expect(status.get().retryAt).toBeNull();
  });
});
