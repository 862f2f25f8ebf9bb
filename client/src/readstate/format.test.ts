import { describe, expect, it } from "vitest";
import { backlogText, badgeLabel, badgeText, mentionText, tabTitle } from "./format";

describe("badge and title text", () => {
  it("shows nothing for zero, the exact count up to 99, then 99+", () => {
    expect(badgeText(0)).toBeNull();
    expect(badgeText(null)).toBeNull();
    expect(badgeText(1)).toBe("1");
    expect(badgeText(99)).toBe("99");
    expect(badgeText(100)).toBe("99+");
  });

  it("marks mentions apart", () => {
    expect(mentionText(2)).toBe("@2");
    expect(mentionText(0)).toBeNull();
  });

  it("titles the tab with the total, mentions first", () => {
    expect(tabTitle(0, 0)).toBe("Educa Chat");
    expect(tabTitle(3, 0)).toBe("(3) Educa Chat");
    expect(tabTitle(3, 1)).toBe("(@1 · 3) Educa Chat");
    expect(tabTitle(250, 0)).toBe("(99+) Educa Chat");
  });

  it("says the counts in words for screen readers", () => {
    expect(badgeLabel(3, 1)).toBe("3 unread, 1 mention");
    expect(badgeLabel(5, 0)).toBe("5 unread");
  });

  it("says how many messages the unread bar stands for, and since when", () => {
    const now = new Date(2026, 11, 2, 15, 0);
    expect(backlogText(1, null, now)).toBe("1 new message");
    expect(backlogText(73, new Date(2026, 11, 2, 10, 2), now)).toMatch(/^73 new messages since \D*10.02/);
    // Before today, the date as well.
    expect(backlogText(73, new Date(2026, 10, 30, 10, 2), now)).toMatch(/^73 new messages since .*2026/);
  });
});
