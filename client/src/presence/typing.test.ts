import { describe, expect, it } from "vitest";
import { TypingNotifier, typingLine } from "./typing";

describe("the typing line", () => {
  it("names one or two typists, and says several beyond", () => {
    expect(typingLine([])).toBe("");
    expect(typingLine(["ada"])).toBe("ada is typing…");
    expect(typingLine(["ada", "bob"])).toBe("ada and bob are typing…");
    expect(typingLine(["ada", "bob", "cy"])).toBe("several people are typing…");
  });
});

describe("sending typing notices", () => {
  const setup = (answer = true) => {
    let now = 0;
    let sends = 0;
    const notifier = new TypingNotifier(
      () => {
        sends += 1;
        return Promise.resolve(answer);
      },
      () => now,
    );
    return { notifier, sends: () => sends, advance: (ms: number) => (now += ms) };
  };

  it("sends at the first keystroke, then at most once every 3 s", () => {
    const { notifier, sends, advance } = setup();
    for (let i = 0; i < 70; i += 1) {
      notifier.typed();
      advance(100); // 7 s of steady typing
    }
    expect(sends()).toBe(3);
  });

  it("sends again at once after a message went", () => {
    const { notifier, sends, advance } = setup();
    notifier.typed();
    advance(500);
    notifier.sent();
    notifier.typed();
    expect(sends()).toBe(2);
  });

  it("stops when the server says typing is off in the room", async () => {
    const { notifier, sends, advance } = setup(false);
    notifier.typed();
    await Promise.resolve();
    advance(5000);
    notifier.typed();
    expect(sends()).toBe(1);
  });
});
