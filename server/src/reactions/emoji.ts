import { BadUserInputError } from "../errors.js";

// The `v` flag's properties of strings (Node 20 has them; the compile target predates them).
const RGI_EMOJI = new RegExp("^\\p{RGI_Emoji}$", "v");
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * One real emoji, in the form every client renders the same: a single grapheme that Unicode
 * lists as an emoji (RGI), a symbol typed without its emoji variation selector given it (so
 * ❤ and ❤️ are one reaction). Anything else is BAD_USER_INPUT.
 */
export function parseEmoji(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) throw new BadUserInputError("A reaction is one emoji.", "emoji");
  const text = value.trim();
  if ([...graphemes.segment(text)].length !== 1) throw new BadUserInputError("A reaction is one emoji.", "emoji");
  if (RGI_EMOJI.test(text)) return text;
  const presented = `${text}\u{FE0F}`;
  if (RGI_EMOJI.test(presented)) return presented;
  throw new BadUserInputError("A reaction is one emoji.", "emoji");
}
