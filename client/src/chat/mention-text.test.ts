import { describe, expect, it } from "vitest";
import { mentionTarget } from "./mention-text";

const alice = { id: "1", username: "alice", role: "Student" };
const teacher = { id: "2", username: "teacher", role: "Instructor" };

describe("mentions in a rendered message", () => {
  it("highlights only names the server resolved, the reader's own as mine", () => {
    expect(mentionTarget("alice", [alice], "9")).toBe("other");
    expect(mentionTarget("Alice.", [alice], "1")).toBe("me");
    expect(mentionTarget("mallory", [alice], "1")).toBeNull();
    expect(mentionTarget("alice", [], "1")).toBeNull();
  });

  it("reads @instructor and @staff through the roles of who was mentioned", () => {
    expect(mentionTarget("instructor", [teacher], "2")).toBe("me");
    expect(mentionTarget("instructor", [teacher], "1")).toBe("other");
    expect(mentionTarget("staff", [teacher], "2")).toBeNull();
  });
});
