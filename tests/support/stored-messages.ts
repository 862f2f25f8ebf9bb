import pg from "pg";
import type { SqliteDatabase } from "./sqlite-file.js";

export interface StoredMessage {
  courseId: string | number;
  userId: string | number;
  content: string;
  sentOn?: Date;
  /** Stored as deleted by this user then, with its deletion event. */
  deleted?: { at: Date; by: string | number };
}

/**
 * Many messages stored at once for a test's backlog, as the server stores each: with the room
 * event that adds it, whose id the message takes (every message has one: replays read the
 * events), and a deletion event for one stored as deleted. Ids follow the order given.
 */
export async function storeMessagesPg(databaseUrl: string, messages: StoredMessage[]): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const column = <T>(pick: (m: StoredMessage) => T) => messages.map(pick);
    const rows = await client.query<{ id: string; ord: string }>(
      `with input as (
         select nextval('room_events_id_seq') as id, c.* from unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[])
           with ordinality as c(course_id, user_id, content, sent_on, deleted_at, deleted_by, ord) order by c.ord
       ), events as (
         insert into room_events (id, course_id, kind, message_id, user_id, created_at)
         select id, course_id, 'added', id, user_id, coalesce(sent_on, now()) from input
       ), messages as (
         insert into messages (id, course_id, user_id, content, sent_on, deleted_at, deleted_by_id, reply_count)
         select id, course_id, user_id, content, coalesce(sent_on, now()), deleted_at, deleted_by, 0 from input returning id
       )
       select id, ord from input order by ord`,
      [
        column((m) => Number(m.courseId)),
        column((m) => Number(m.userId)),
        column((m) => m.content),
        column((m) => m.sentOn ?? null),
        column((m) => m.deleted?.at ?? null),
        column((m) => (m.deleted ? Number(m.deleted.by) : null)),
      ],
    );
    const ids = rows.rows.map((r) => Number(r.id));
    const deleted = messages.flatMap((m, i) => (m.deleted ? [{ id: ids[i]!, courseId: Number(m.courseId), at: m.deleted.at }] : []));
    for (const d of deleted) {
      await client.query("insert into room_events (course_id, kind, message_id, created_at) values ($1, 'deleted', $2, $3)", [d.courseId, d.id, d.at]);
    }
    return ids;
  } finally {
    await client.end();
  }
}

/** The same on a SQLite file, in one transaction. */
export function storeMessagesSqlite(db: SqliteDatabase, messages: StoredMessage[]): number[] {
  const event = db.prepare("insert into room_events (course_id, kind, message_id, user_id, created_at) values (?, ?, ?, ?, ?)");
  const link = db.prepare("update room_events set message_id = id where id = ?");
  const message = db.prepare(
    "insert into messages (id, course_id, user_id, content, sent_on, deleted_at, deleted_by_id, reply_count) values (?, ?, ?, ?, ?, ?, ?, 0)",
  );
  const ids: number[] = [];
  db.transaction(() => {
    for (const m of messages) {
      const at = m.sentOn?.getTime() ?? Date.now();
      const { lastInsertRowid } = event.run(Number(m.courseId), "added", null, Number(m.userId), at) as { lastInsertRowid: number | bigint };
      const id = Number(lastInsertRowid);
      link.run(id);
      message.run(id, Number(m.courseId), Number(m.userId), m.content, at, m.deleted?.at.getTime() ?? null, m.deleted ? Number(m.deleted.by) : null);
      ids.push(id);
    }
    messages.forEach((m, i) => {
      if (m.deleted) event.run(Number(m.courseId), "deleted", ids[i], null, m.deleted.at.getTime());
    });
  })();
  return ids;
}
