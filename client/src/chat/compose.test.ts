import { describe, expect, it } from "vitest";
import { fenceIfCode, isSendKey } from "./compose";

const key = (over: Partial<Parameters<typeof isSendKey>[0]>) => ({ key: "Enter", shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, isComposing: false, ...over });

describe("composer", () => {
  it("fences pasted code so its indentation and line breaks survive Markdown", () => {
    const python = "def area(r):\n    return 3.14 * r * r\n";
    expect(fenceIfCode(python, "")).toBe("```\ndef area(r):\n    return 3.14 * r * r\n```\n");
    expect(fenceIfCode(python, "Look at this:")).toBe("\n```\ndef area(r):\n    return 3.14 * r * r\n```\n");
    expect(fenceIfCode("const a = 1;\nconst b = 2;", "")).toContain("```\nconst a = 1;");
  });

  it("pastes prose, single lines, and text already fenced as they are", () => {
    expect(fenceIfCode("Dear all,\nsee you on Friday.", "")).toBeNull();
    expect(fenceIfCode("    one indented line", "")).toBeNull();
    expect(fenceIfCode("if x:\n    y()", "```\n")).toBeNull();
    expect(fenceIfCode("```\nif x:\n    y()\n```", "")).toBeNull();
  });

  it("sends on Enter only", () => {
    expect(isSendKey(key({}))).toBe(true);
    expect(isSendKey(key({ shiftKey: true }))).toBe(false);
    expect(isSendKey(key({ isComposing: true }))).toBe(false);
    expect(isSendKey(key({ key: "a" }))).toBe(false);
  });
});
