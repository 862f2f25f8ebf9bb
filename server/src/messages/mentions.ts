import type { EntityManager } from "@mikro-orm/core";
import type { Role } from "../auth/user.entity.js";
import type { RawReader } from "../db/raw-reader.js";
import type { Author } from "./message-data.js";

/** `@name` where a name may start: not in the middle of a word, an address or another mention. */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{1,40})/gu;
/** Names looked up per message at most: a message cannot make the server read a thousand users. */
const MAX_NAMES = 50;

export interface MentionedNames {
  /** Username keys (lower case), as typed and without trailing punctuation. */
  names: string[];
  instructor: boolean;
  staff: boolean;
}

/** What a message's text mentions, before anyone is looked up. */
export function mentionedNames(content: string): MentionedNames {
  const names = new Set<string>();
  let instructor = false;
  let staff = false;
  for (const match of content.matchAll(MENTION)) {
    const typed = match[1]!.toLowerCase();
    // "@alice." at the end of a sentence mentions alice.
    const trimmed = typed.replace(/[._-]+$/, "");
    for (const name of new Set([typed, trimmed])) {
      if (name === "instructor") instructor = true;
      else if (name === "staff") staff = true;
      else if (name.length >= 3 && names.size < MAX_NAMES) names.add(name);
    }
  }
  return { names: [...names], instructor, staff };
}

/**
 * The members a text mentions: named users who are members of the course (a non-member's name
 * mentions nobody), the course's instructor for @instructor, every staff member for @staff.
 */
export async function resolveMentions(em: EntityManager, reader: RawReader, courseId: number, content: string): Promise<Author[]> {
  const { names, instructor, staff } = mentionedNames(content);
  if (names.length === 0 && !instructor && !staff) return [];
  const list = reader.sqlite ? "(select value from json_each(?))" : "(select unnest(?::text[]))";
  const rows = await reader.read<{ id: number | string; username: string; role: Role }>(
    em,
    `select u.id, u.username, u.role from users u, courses c where c.id = ?
       and ((u.username_key in ${list} and (u.role = 'staff' or u.id = c.owner_id
             or exists (select 1 from course_students s where s.course_id = c.id and s.user_id = u.id)))
         or (? = 1 and u.id = c.owner_id) or (? = 1 and u.role = 'staff'))
     order by u.username_key`,
    [courseId, reader.sqlite ? JSON.stringify(names) : `{${names.map((n) => `"${n}"`).join(",")}}`, instructor ? 1 : 0, staff ? 1 : 0],
  );
  return rows.map((row) => ({ id: String(row.id), username: row.username, role: row.role }));
}
