import { describe, expect, it } from "vitest";
import { applyPresence, NOBODY, type PresenceUpdate } from "./room-presence";

const ada = { id: "1", username: "ada" };
const bob = { id: "2", username: "bob" };
const counts = (online: number) => ({ online, students: online, staff: 0 });
const event = (kind: PresenceUpdate["kind"], user: PresenceUpdate["user"], online: number, list: PresenceUpdate["online"] = null): PresenceUpdate => ({
  kind,
  user,
  online: list,
  joined: null,
  left: null,
  counts: counts(online),
});
const changed = (joined: PresenceUpdate["user"][], left: PresenceUpdate["user"][], online: number): PresenceUpdate => ({
  kind: "CHANGED",
  user: joined[0] ?? left[0]!,
  online: null,
  joined,
  left,
  counts: counts(online),
});

describe("the room's presence, from one stream", () => {
  it("starts from the opening list and follows joins and leaves, a join already listed shown once", () => {
    let shown = applyPresence(NOBODY, event("CURRENT", bob, 1, [ada]));
    expect(shown).toEqual({ online: [ada], counts: counts(1) });
    // Came while the list was read: in it, and as a join after it.
    shown = applyPresence(shown, event("JOINED", ada, 1));
    shown = applyPresence(shown, event("JOINED", bob, 2));
    expect(shown).toEqual({ online: [ada, bob], counts: counts(2) });
    shown = applyPresence(shown, event("LEFT", ada, 1));
    expect(shown).toEqual({ online: [bob], counts: counts(1) });
  });

  it("replaces what was shown with a new opening list (a reconnect, a retry)", () => {
    const before = applyPresence(applyPresence(NOBODY, event("CURRENT", bob, 1, [ada])), event("JOINED", bob, 2));
    expect(applyPresence(before, event("CURRENT", bob, 1, [bob]))).toEqual({ online: [bob], counts: counts(1) });
  });

  it("applies a batch of joins and leaves as a set, someone already listed or already gone changing nothing", () => {
    const cy = { id: "3", username: "cy" };
    let shown = applyPresence(NOBODY, event("CURRENT", bob, 2, [ada, bob]));
    shown = applyPresence(shown, changed([cy, ada], [bob], 2));
    expect(shown).toEqual({ online: [ada, cy], counts: counts(2) });
    shown = applyPresence(shown, changed([], [bob, cy], 1));
    expect(shown).toEqual({ online: [ada], counts: counts(1) });
  });
});
