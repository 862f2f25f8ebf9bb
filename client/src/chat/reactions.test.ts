import { describe, expect, it } from "vitest";
import { whoReacted } from "./reactions";

const alice = { id: "1", username: "alice" };
const bob = { id: "2", username: "bob" };

describe("who reacted", () => {
  it("names the reader as You, first, and counts who the first page does not name", () => {
    expect(whoReacted({ count: 1, reactedByMe: false, users: [alice] }, "2")).toBe("alice");
    expect(whoReacted({ count: 2, reactedByMe: true, users: [alice, bob] }, "2")).toBe("You and alice");
    expect(whoReacted({ count: 5, reactedByMe: true, users: [alice] }, "2")).toBe("You, alice and 3 others");
    expect(whoReacted({ count: 2, reactedByMe: false, users: [alice] }, "2")).toBe("alice and 1 other");
  });
});
