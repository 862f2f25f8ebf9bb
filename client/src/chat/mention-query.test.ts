import { describe, expect, it } from "vitest";
import { insertMention, matchMembers, mentionQuery } from "./mention-query";

const members = [
  { id: "1", username: "alice" },
  { id: "2", username: "albert" },
  { id: "3", username: "bob" },
  { id: "4", username: "malia" },
];

describe("mention autocomplete", () => {
  it("finds the @partial being typed, only where a mention can start", () => {
    expect(mentionQuery("hi @al", 6)).toEqual({ start: 3, query: "al" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("mail me at bob@al", 17)).toBeNull();
    expect(mentionQuery("hi @al there", 12)).toBeNull();
    expect(mentionQuery("hi @al there", 6)).toEqual({ start: 3, query: "al" });
  });

  it("offers members by prefix, then by substring, then the groups, never the writer", () => {
    expect(matchMembers(members, "al", "2").map((m) => m.username)).toEqual(["alice", "malia"]);
    expect(matchMembers(members, "", null).map((m) => m.username)).toEqual(["alice", "albert", "bob", "malia", "instructor", "staff"]);
    expect(matchMembers(members, "st", null).map((m) => m.username)).toEqual(["staff"]);
    expect(matchMembers(members, "zz", null)).toEqual([]);
  });

  it("replaces the partial with the whole name and a space, caret after it", () => {
    expect(insertMention("hi @al", 3, 6, "alice")).toEqual({ text: "hi @alice ", caret: 10 });
    expect(insertMention("hi @al there", 3, 6, "alice")).toEqual({ text: "hi @alice there", caret: 10 });
    expect(insertMention("hi @alxx there", 3, 6, "alice")).toEqual({ text: "hi @alice there", caret: 10 });
  });
});
