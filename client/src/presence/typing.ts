/** The line under the messages: who else is typing now. */
export function typingLine(names: readonly string[]): string {
  const [first, second] = names;
  if (!first) return "";
  if (names.length === 1) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return "several people are typing…";
}

/**
 * The server's pace (docs/clients.md): one notice at most every 3 s while the user types; it
 * shows the typist for 6 s after the last one, and stops at their message.
 */
export const TYPING_INTERVAL_MS = 3000;
/** A typist whose "stopped" was lost (a dropped socket) is forgotten after this long. */
export const TYPING_SHOWN_MS = 7000;

/** Decides when typing is worth telling the room: the first keystroke, then every 3 s. */
export class TypingNotifier {
  private lastSentAt = -Infinity;
  private off = false;

  constructor(
    private readonly send: () => Promise<boolean>,
    private readonly now: () => number = () => Date.now(),
    private readonly intervalMs = TYPING_INTERVAL_MS,
  ) {}

  typed(): void {
    if (this.off || this.now() - this.lastSentAt < this.intervalMs) return;
    this.lastSentAt = this.now();
    // False: typing is off in this room (too many members): stop asking.
    void this.send().then(
      (on) => {
        if (!on) this.off = true;
      },
      () => undefined,
    );
  }

  /** The message went: the room stops showing the typist, so the next keystroke tells it again. */
  sent(): void {
    this.lastSentAt = -Infinity;
  }
}
