import { describe, expect, it } from "vitest";
import { ResumeCursor } from "./cursor";
import { compareIds } from "./message-order";
import { Timeline, type TimelineMessage } from "./timeline";

const msg = (id: number, content = `m${id}`, user = "bob"): TimelineMessage => ({
  id: String(id),
  courseId: "1",
  content,
  sentOn: new Date(Date.UTC(2026, 0, 1, 12, id)).toISOString(),
  user: { id: user, username: user },
});
const ids = (t: Timeline) => t.snapshot.map((i) => (i.kind === "deleted" ? `x${i.id}` : i.id));

describe("timeline: history and live events merged", () => {
  it("shows each message once, in id order, whatever the order and source it came in", () => {
    const t = new Timeline();
    t.add([msg(8), msg(9), msg(10)]);
    t.add([msg(12)]); // own send, answered over HTTP before the stream delivered 11
    expect(t.applyLive(msg(11))).toBe(true);
    expect(t.applyLive(msg(12))).toBe(false);
    t.add([msg(5), msg(6), msg(7), msg(8)]); // an earlier page overlapping the first
    expect(ids(t)).toEqual(["5", "6", "7", "8", "9", "10", "11", "12"]);
    expect(t.oldestId).toBe("5");
  });

  it("orders ids numerically across lengths", () => {
    const t = new Timeline();
    t.add([msg(100), msg(99), msg(1000)]);
    expect(ids(t)).toEqual(["99", "100", "1000"]);
    expect(compareIds("9", "10")).toBeLessThan(0);
  });

  it("leaves a placeholder where a shown message is deleted, and never shows it again", () => {
    const t = new Timeline();
    t.add([msg(1), msg(2), msg(3)]);
    expect(t.markDeleted("2")).toBe(true);
    expect(ids(t)).toEqual(["1", "x2", "3"]);
    t.add([msg(2)]); // a late page or send result
    expect(t.applyLive(msg(2))).toBe(false); // a replay
    expect(ids(t)).toEqual(["1", "x2", "3"]);
    // Deleted before it ever arrived: nothing to show, and it stays out.
    expect(t.markDeleted("4")).toBe(false);
    t.add([msg(4)]);
    expect(ids(t)).toEqual(["1", "x2", "3"]);
  });

  it("keeps the same snapshot while nothing changes", () => {
    const t = new Timeline();
    t.add([msg(1)]);
    const before = t.snapshot;
    t.add([msg(1)]);
    expect(t.snapshot).toBe(before);
  });

  it("lets the stream replace a message with its newer version", () => {
    const t = new Timeline();
    t.add([msg(1, "first draft")]);
    t.applyLive(msg(1, "edited"));
    t.add([msg(1, "stale send result")]);
    const item = t.snapshot[0];
    expect(item?.kind === "message" && item.message.content).toBe("edited");
  });
});

describe("timeline: every kind of room event", () => {
  const added = (m: TimelineMessage) => ({ kind: "MessageAdded", messageId: m.id, message: m });
  const changed = (kind: string, m: TimelineMessage) => ({ kind, messageId: m.id, message: m });
  const content = (t: Timeline, id: string) => {
    const item = t.snapshot.find((i) => i.id === id);
    return item?.kind === "message" ? item.message.content : item?.kind;
  };

  it("replaces a shown message with its edited, reacted or thread-updated version", () => {
    const t = new Timeline();
    t.add([msg(1), msg(2)]);
    expect(t.applyEvent(changed("MessageEdited", msg(1, "fixed typo")))).toBe("updated");
    expect(t.applyEvent(changed("ReactionsChanged", msg(2, "m2 with a reaction")))).toBe("updated");
    expect(t.applyEvent(changed("ThreadUpdated", msg(2, "m2 with a reply")))).toBe("updated");
    expect([content(t, "1"), content(t, "2")]).toEqual(["fixed typo", "m2 with a reply"]);
  });

  it("never shows a message only because it changed: one older than the history stays out", () => {
    const t = new Timeline();
    t.add([msg(10)]);
    expect(t.applyEvent(changed("MessageEdited", msg(3, "edited, but never loaded")))).toBeNull();
    expect(t.applyEvent(changed("ReactionsChanged", msg(4)))).toBeNull();
    expect(ids(t)).toEqual(["10"]);
  });

  it("adds, deletes, and ignores what it does not know", () => {
    const t = new Timeline();
    expect(t.applyEvent(added(msg(1)))).toBe("added");
    expect(t.applyEvent(added(msg(1, "again")))).toBe("updated");
    expect(t.applyEvent({ kind: "SettingsChanged", messageId: "0", message: null })).toBeNull();
    expect(t.applyEvent({ kind: "SomethingNew", messageId: "1", message: null })).toBeNull();
    expect(t.applyEvent({ kind: "MessageDeleted", messageId: "1", message: null })).toBe("deleted");
    // An edit replayed after the deletion (a resumed stream) does not bring it back.
    expect(t.applyEvent(changed("MessageEdited", msg(1, "late edit")))).toBeNull();
    expect(ids(t)).toEqual(["x1"]);
  });

  it("keeps a mutation's answer only if the stream has not changed the message since", () => {
    const t = new Timeline();
    t.add([msg(1)]);
    const before = t.revision("1");
    // My reaction's answer, with nobody else's change in between: shown at once.
    expect(t.applyResult(msg(1, "my reaction"), before)).toBe(true);
    const again = t.revision("1");
    t.applyEvent(changed("ReactionsChanged", msg(1, "mine and bob's")));
    // The answer to a second mutation arrives after the stream's later word: stale, dropped.
    expect(t.applyResult(msg(1, "only mine"), again)).toBe(false);
    expect(content(t, "1")).toBe("mine and bob's");
  });

  it("lists a thread's shown replies in order", () => {
    const t = new Timeline();
    t.add([msg(1), { ...msg(3), threadRootId: "1" }, msg(4)]);
    t.applyEvent(added({ ...msg(5), threadRootId: "1" }));
    expect(t.replies("1").map((m) => m.id)).toEqual(["3", "5"]);
  });
});

describe("resume cursor", () => {
  it("moves with history and every event of the stream, never with the user's own send", () => {
    const cursor = new ResumeCursor();
    const shown = new Timeline();
    expect(cursor.value).toBeNull();
    shown.add([msg(1), msg(2)]);
    cursor.fromHistory("2");
    // Socket down: bob's 3 is stored, then my own 4 is answered over HTTP and shown.
    shown.add([msg(4, "mine", "me")]);
    expect(cursor.value).toBe("2"); // resuming after 4 would lose 3
    // Reconnected from 2: the replay brings 3, then 4 again (shown once).
    for (const [c, m] of [["c3", msg(3)], ["c4", msg(4, "mine", "me")]] as const) {
      shown.applyEvent({ kind: "MessageAdded", messageId: m.id, message: m });
      cursor.fromEvent({ cursor: c });
    }
    expect(cursor.value).toBe("c4");
    expect(ids(shown)).toEqual(["1", "2", "3", "4"]);
  });

  it("moves past edits, deletions and reactions too, so a resumed stream replays none of them twice", () => {
    const cursor = new ResumeCursor();
    cursor.fromHistory("7");
    cursor.fromEvent({ cursor: "e8" }); // a deletion of an older message
    expect(cursor.value).toBe("e8");
    cursor.fromEvent({ cursor: "e9" }); // a reaction
    expect(cursor.value).toBe("e9");
    cursor.reset();
    expect(cursor.value).toBeNull();
  });
});
