import type { Emphasis, PhrasingContent, Root } from "mdast";
import { findAndReplace } from "mdast-util-find-and-replace";

/** The server's rule (server/src/messages/mentions.ts): `@name` not inside a word or an address. */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{1,40})/gu;

export interface MentionedUser {
  id: string;
  username: string;
  role?: string;
}

/**
 * How a typed `@name` reads: null when it mentions nobody (the server did not resolve it: a
 * non-member, a typo), "other" for someone else, "me" for the reader.
 */
export function mentionTarget(typed: string, mentions: readonly MentionedUser[], userId: string | null): "me" | "other" | null {
  const name = typed.toLowerCase().replace(/[._-]+$/, "");
  const role = name === "instructor" ? "Instructor" : name === "staff" ? "Staff" : null;
  const hits = mentions.filter((m) => (role ? m.role === role : m.username.toLowerCase() === name || m.username.toLowerCase() === typed.toLowerCase()));
  if (!hits.length) return null;
  return hits.some((m) => m.id === userId) ? "me" : "other";
}

// A phrasing node rendered as a span (a text node would be merged back into its neighbours).
const span = (value: string, className: string): Emphasis => ({
  type: "emphasis",
  children: [{ type: "text", value }],
  data: { hName: "span", hProperties: { className: className.split(" ") } },
});

/** A remark plugin: each resolved mention becomes a highlighted span (the reader's own, more so). */
export function remarkMentions(options: { mentions: readonly MentionedUser[]; userId: string | null }) {
  return (tree: Root) => {
    if (!options.mentions.length) return;
    findAndReplace(
      tree,
      [
        MENTION,
        (whole: string, typed: string) => {
          const target = mentionTarget(typed, options.mentions, options.userId);
          if (!target) return false;
          // "@alice." ends a sentence: the dot stays plain text.
          const name = whole.replace(/[._-]+$/, "");
          const nodes: PhrasingContent[] = [span(name, target === "me" ? "mention mention-me" : "mention")];
          if (name !== whole) nodes.push({ type: "text", value: whole.slice(name.length) });
          return nodes;
        },
      ],
      { ignore: ["link", "linkReference"] },
    );
  };
}
