import { describe, expect, it } from "vitest";
import { avatarHue, dayLabel, initials, layout } from "./message-groups";
import type { TimelineItem } from "./timeline";

const at = (iso: string, user: string, id: string): TimelineItem => ({
  kind: "message",
  id,
  message: { id, courseId: "1", content: id, sentOn: new Date(iso).toISOString(), user: { id: user, username: user } },
});
const format = (d: Date) => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;

describe("message layout", () => {
  const now = new Date(2026, 5, 10, 15, 0);

  it("labels days Today, Yesterday, or the date", () => {
    expect(dayLabel(new Date(2026, 5, 10, 0, 1), now, format)).toBe("Today");
    expect(dayLabel(new Date(2026, 5, 9, 23, 59), now, format)).toBe("Yesterday");
    expect(dayLabel(new Date(2026, 5, 8, 12), now, format)).toBe("2026-6-8");
  });

  it("groups consecutive messages by one author, and starts again after a gap, a day or a deletion", () => {
    const local = (d: number, h: number, m: number) => new Date(2026, 5, d, h, m).toISOString();
    const items: TimelineItem[] = [
      at(local(9, 10, 0), "ada", "1"),
      at(local(9, 10, 2), "ada", "2"),
      at(local(9, 10, 3), "bob", "3"),
      at(local(9, 10, 30), "bob", "4"),
      at(local(10, 9, 0), "bob", "5"),
      at(local(10, 9, 1), "bob", "6"),
      { kind: "deleted", id: "7" },
      at(local(10, 9, 2), "bob", "8"),
    ];
    expect(layout(items, now, format)).toEqual([
      { day: "Yesterday", continued: false },
      { day: null, continued: true },
      { day: null, continued: false },
      { day: null, continued: false },
      { day: "Today", continued: false },
      { day: null, continued: true },
      { day: null, continued: false },
      { day: null, continued: false },
    ]);
  });

  it("makes initials and a stable colour", () => {
    expect(initials("ada")).toBe("AD");
    expect(initials("mary.jones")).toBe("MJ");
    expect(initials("x")).toBe("X");
    expect(avatarHue("42")).toBe(avatarHue("42"));
    expect(Math.abs(avatarHue("1") - avatarHue("2"))).toBeGreaterThan(30);
  });
});
