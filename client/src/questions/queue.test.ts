import { describe, expect, it } from "vitest";
import { applyQueueChange, mergeQueuePage, waited } from "./queue";

const q = (id: string) => ({ id, content: `question ${id}` });

describe("the staff queue's list", () => {
  it("keeps questions oldest first, each once, as live updates join and leave", () => {
    let list = mergeQueuePage([], [q("5"), q("9")]);
    list = applyQueueChange(list, { questionId: "7", open: true, question: q("7") });
    list = applyQueueChange(list, { questionId: "12", open: true, question: q("12") });
    expect(list.map((x) => x.id)).toEqual(["5", "7", "9", "12"]);
    list = applyQueueChange(list, { questionId: "7", open: true, question: { id: "7", content: "edited" } });
    expect(list.find((x) => x.id === "7")?.content).toBe("edited");
    list = applyQueueChange(list, { questionId: "5", open: false, question: q("5") });
    list = applyQueueChange(list, { questionId: "9", open: false, question: null });
    expect(list.map((x) => x.id)).toEqual(["7", "12"]);
  });

  it("merges a further page without repeating a question that arrived live meanwhile", () => {
    const list = applyQueueChange(mergeQueuePage([], [q("1"), q("2")]), { questionId: "3", open: true, question: q("3") });
    expect(mergeQueuePage(list, [q("3"), q("4")]).map((x) => x.id)).toEqual(["1", "2", "3", "4"]);
  });

  it("says how long a question waited", () => {
    expect(waited(20)).toBe("under a minute");
    expect(waited(125)).toBe("2 min");
    expect(waited(3 * 3600 + 300)).toBe("3 h 5 min");
    expect(waited(26 * 3600)).toBe("1 d 2 h");
  });
});
