import { describe, expect, it } from "vitest";
import { ReadMarker } from "./read-marker";

function harness(marker: string | null) {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const sent: string[] = [];
  const reader = new ReadMarker(marker, {
    send: (id) => sent.push(id),
    intervalMs: 500,
    now: () => now,
    schedule: (run, ms) => {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return timer;
    },
    cancel: (timer) => timers.splice(timers.indexOf(timer as (typeof timers)[number]), 1),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  return { reader, sent, advance };
}

describe("marking read as messages are seen", () => {
  it("sends the first newer message at once", () => {
    const { reader, sent } = harness("10");
    reader.seen("12");
    expect(sent).toEqual(["12"]);
  });

  it("never sends what the marker already covers", () => {
    const { reader, sent, advance } = harness("10");
    reader.seen("9");
    reader.seen("10");
    advance(1000);
    expect(sent).toEqual([]);
    reader.known("20");
    reader.seen("15");
    advance(1000);
    expect(sent).toEqual([]);
  });

  it("sends at most once per interval while scrolling, with the newest id seen", () => {
    const { reader, sent, advance } = harness(null);
    reader.seen("1");
    for (let id = 2; id <= 60; id += 1) {
      advance(16); // one animation frame
      reader.seen(String(id));
    }
    advance(500);
    // ~1 s of scrolling: the first at once, then one every 500 ms, the last with the newest id.
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent[0]).toBe("1");
    expect(sent.at(-1)).toBe("60");
  });

  it("ignores an older id seen after a newer one", () => {
    const { reader, sent, advance } = harness(null);
    reader.seen("5");
    reader.seen("7");
    reader.seen("6");
    advance(500);
    expect(sent).toEqual(["5", "7"]);
  });

  it("sends nothing once disposed", () => {
    const { reader, sent, advance } = harness(null);
    reader.seen("5");
    reader.seen("7");
    reader.dispose();
    advance(1000);
    expect(sent).toEqual(["5"]);
  });
});
