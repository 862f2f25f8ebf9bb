/** Someone who can be mentioned: a member, or a group (@instructor, @staff). */
export interface MentionCandidate {
  id: string;
  username: string;
  /** Shown beside the name: "Instructor", "Staff", "everyone on staff"... */
  detail?: string;
}

/** The `@partial` being typed just before the caret, where a mention may start (the server's rule). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|[^\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{0,40})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? "";
  return { start: caret - query.length - 1, query };
}

const GROUPS: MentionCandidate[] = [
  { id: "@instructor", username: "instructor", detail: "the course's instructor" },
  { id: "@staff", username: "staff", detail: "everyone on staff" },
];

/** Members whose name starts with what was typed (then those containing it), groups last; at most `limit`. */
export function matchMembers(members: readonly MentionCandidate[], query: string, selfId: string | null, limit = 8): MentionCandidate[] {
  const q = query.toLowerCase();
  const people = members.filter((m) => m.id !== selfId);
  const starts = people.filter((m) => m.username.toLowerCase().startsWith(q));
  const contains = q ? people.filter((m) => !m.username.toLowerCase().startsWith(q) && m.username.toLowerCase().includes(q)) : [];
  const groups = GROUPS.filter((g) => g.username.startsWith(q));
  return [...starts, ...contains, ...groups].slice(0, limit);
}

/** The text with the typed `@partial` replaced by the full mention and a space; the caret after it. */
export function insertMention(text: string, start: number, caret: number, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  const after = text.slice(caret).replace(/^\S*/, "").replace(/^ /, "");
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}
