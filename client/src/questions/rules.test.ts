import { describe, expect, it } from "vitest";
import { mayAccept, mayAskPrivately, mayEndorse, mayPostAnonymously, mayResolve, type Viewer } from "./rules";

const student: Viewer = { id: "2", role: "Student", moderator: false };
const classmate: Viewer = { id: "3", role: "Student", moderator: false };
const instructor: Viewer = { id: "1", role: "Instructor", moderator: true };
const otherInstructor: Viewer = { id: "9", role: "Instructor", moderator: false };
const staff: Viewer = { id: "5", role: "Staff", moderator: true };

const question = { user: { id: "2" }, kind: "QUESTION", question: { status: "OPEN" } };
const answer = { user: { id: "3" }, kind: "MESSAGE", answer: { endorsed: false, accepted: false } };
// A classmate sees an anonymous asker under a pseudonym's id, never their own.
const anonymousToClassmate = { ...question, user: { id: "anon-1f2e3d4c5b6a7988" } };

describe("question rules, as the server keeps them", () => {
  it("lets only students who do not moderate the room post anonymously", () => {
    expect([student, instructor, otherInstructor, staff].map(mayPostAnonymously)).toEqual([true, false, false, false]);
    expect([student, instructor, staff].map(mayAskPrivately)).toEqual([true, false, false]);
  });

  it("lets the instructor and staff endorse an answer, and nobody endorse a question", () => {
    expect([student, classmate, instructor, staff].map((v) => mayEndorse(v, answer))).toEqual([false, false, true, true]);
    expect(mayEndorse(instructor, question)).toBe(false);
  });

  it("lets only the asker accept an answer", () => {
    expect([student, classmate, instructor, staff].map((v) => mayAccept(v, answer, question))).toEqual([true, false, false, false]);
    expect(mayAccept(classmate, answer, anonymousToClassmate)).toBe(false);
    expect(mayAccept(student, answer, undefined)).toBe(false);
  });

  it("lets the asker, the instructor and staff resolve or reopen", () => {
    expect([student, classmate, instructor, otherInstructor, staff].map((v) => mayResolve(v, question))).toEqual([true, false, true, false, true]);
    expect(mayResolve(student, { ...answer, user: { id: "2" } })).toBe(false);
  });
});
