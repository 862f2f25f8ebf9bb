import { Coalescer, toError } from "../db/coalescer.js";
import type { PgQuery, PostgresConnection } from "../db/postgres-connection.js";
import { intArray, lockRoomsSql } from "../db/room-lock.js";
import { SqliteConnection, type SqliteDatabase, type SqliteStatement } from "../db/sqlite-connection.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { EventKind } from "../timeline/events.js";

export interface NewMessage {
  courseId: number;
  userId: number;
  content: string;
  clientMessageId: string | null;
  kind: "message" | "question";
  anonymous: boolean;
  /** In a private question's thread: its asker. */
  privateTo: number | null;
  /** A reply: the message it answers, and the first message of its thread. */
  reply: { toId: number; rootId: number } | null;
  mentionIds: number[];
}

/** One event the write appended to the room's timeline. */
export interface StoredEvent {
  id: number;
  previousId: number | null;
  kind: typeof EventKind.MessageAdded | typeof EventKind.ThreadUpdated;
  messageId: number;
}

/** Stored (the message's id is its added event's), or a retry whose original exists. */
export type WriteResult = { messageId: number; sentOn: Date; events: StoredEvent[] } | { duplicateOf: string };

/** A busy moment's sends share one transaction, up to this many. */
const MAX_BATCH = 256;

/**
 * Group commit for sends: sends that arrive while a transaction is being written wait for the
 * next one and share it, so a busy server pays one BEGIN/COMMIT (and on PostgreSQL one fsync
 * and one room lock per room) per batch instead of per message. Each message is stored with
 * the room event that adds it (its id is that event's), its mentions, and for a reply its
 * thread root's new summary and that root's event. Ids become visible in commit order per
 * room: SQLite has one writer, and PostgreSQL batches hold their rooms' locks until they commit.
 */
export class MessageWriter {
  private readonly batches = new Coalescer<NewMessage, WriteResult>((batch) => this.writeOrSplit(batch), MAX_BATCH);
  private readonly sqliteWriters = new WeakMap<SqliteDatabase, (batch: NewMessage[]) => (WriteResult | Error)[]>();

  constructor(
    /** SQLite's or PostgreSQL's way in, outside the ORM: see each class. */
    private readonly connection: SqliteConnection | PostgresConnection,
  ) {}

  /** Resolves once stored. Callers resume in batch order and publish as they resume, so a room's events go out in id order. */
  write(message: NewMessage): Promise<WriteResult> {
    return this.batches.run(message);
  }

  private async writeOrSplit(batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    try {
      return await this.writeBatch(batch);
    } catch (err) {
      // One bad row must not fail its neighbours: write them one by one, each after the one
      // before (in parallel, PostgreSQL could commit them out of order, and ids must follow the
      // batch's order). An unreachable database fails them all, as it would have one by one.
      if (batch.length === 1 || isDatabaseUnavailable(err)) throw err;
      const results: (WriteResult | Error)[] = [];
      for (const m of batch) results.push(await this.writeBatch([m]).then(([r]) => r!, (e: unknown) => toError(e)));
      return results;
    }
  }

  private writeBatch(batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    return this.connection instanceof SqliteConnection
      ? this.connection.run((db, prepare) => this.sqliteWriterFor(db, prepare)(batch))
      : this.writePostgres(this.connection, batch);
  }

  /** SQLite: the whole batch in one synchronous transaction. */
  private sqliteWriterFor(db: SqliteDatabase, prepare: (sql: string) => SqliteStatement) {
    let write = this.sqliteWriters.get(db);
    if (write) return write;
    const existing = prepare("select 1 from messages where course_id = ? and user_id = ? and client_message_id = ?");
    const latest = prepare("select max(id) as latest from room_events where course_id = ?");
    const event = prepare("insert into room_events (course_id, kind, message_id, user_id, created_at) values (?, ?, ?, ?, ?)");
    const linkEvent = prepare("update room_events set message_id = ? where id = ?");
    const message = prepare(
      `insert into messages (id, course_id, user_id, content, sent_on, client_message_id, reply_to_id, thread_root_id, reply_count,
         kind, anonymous, private_to, question_status)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
    );
    const mention = prepare("insert or ignore into message_mentions (message_id, user_id) values (?, ?)");
    const bump = prepare("update messages set reply_count = reply_count + 1, last_reply_at = ? where id = ?");
    const newest = new Map<number, number | null>();
    const append = (courseId: number, kind: StoredEvent["kind"], messageId: number | null, userId: number | null, at: number): { id: number; previousId: number | null } => {
      if (!newest.has(courseId)) newest.set(courseId, numberOrNull((latest.get(courseId) as { latest: unknown }).latest));
      const previousId = newest.get(courseId) ?? null;
      const id = Number(event.run(courseId, kind, messageId, userId, at).lastInsertRowid);
      newest.set(courseId, id);
      return { id, previousId };
    };
    const one = (m: NewMessage, at: number): WriteResult => {
      if (m.clientMessageId !== null && existing.get(m.courseId, m.userId, m.clientMessageId)) return { duplicateOf: m.clientMessageId };
      const added = append(m.courseId, EventKind.MessageAdded, null, m.userId, at);
      message.run(
        added.id,
        m.courseId,
        m.userId,
        m.content,
        at,
        m.clientMessageId,
        m.reply?.toId ?? null,
        m.reply?.rootId ?? null,
        m.kind,
        m.anonymous ? 1 : 0,
        m.privateTo,
        m.kind === "question" ? "open" : null,
      );
      linkEvent.run(added.id, added.id);
      for (const userId of m.mentionIds) mention.run(added.id, userId);
      const events: StoredEvent[] = [{ ...added, kind: EventKind.MessageAdded, messageId: added.id }];
      if (m.reply) {
        bump.run(at, m.reply.rootId);
        events.push({ ...append(m.courseId, EventKind.ThreadUpdated, m.reply.rootId, null, at), kind: EventKind.ThreadUpdated, messageId: m.reply.rootId });
      }
      return { messageId: added.id, sentOn: new Date(at), events };
    };
    // No savepoint per row (they were half of a batch's SQLite time): a row that fails rolls
    // the whole batch back, and writeOrSplit writes its rows again one by one.
    write = db.transaction((messages: NewMessage[]) => {
      newest.clear();
      const at = Date.now();
      return messages.map((m) => one(m, at));
    });
    this.sqliteWriters.set(db, write);
    return write;
  }

  /**
   * PostgreSQL: BEGIN with the rooms' locks (taken in id order, so concurrent batches never
   * deadlock), one statement that draws each message's id from the events' sequence and
   * inserts the messages and their added events, then — only for batches that have them — the
   * mentions and the thread summaries with their events, and COMMIT.
   */
  private writePostgres(postgres: PostgresConnection, batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    const rooms = [...new Set(batch.map((m) => m.courseId))].sort((a, b) => a - b);
    return postgres.transaction(lockRoomsSql(rooms), async (query) => {
      const sentOn = new Date();
      const params: unknown[] = [intArray(rooms), sentOn];
      const values = batch.map((m, i) => {
        const at = params.push(m.courseId, m.userId, m.content, m.clientMessageId, m.reply?.toId ?? null, m.reply?.rootId ?? null, m.kind, m.anonymous, m.privateTo);
        return `(${i}, $${at - 8}::int, $${at - 7}::int, $${at - 6}, $${at - 5}, $${at - 4}::int, $${at - 3}::int, $${at - 2}, $${at - 1}::boolean, $${at}::int)`;
      });
      // Every part sees the rooms as they were when the statement began (under the locks), so
      // `previous` is each room's newest event before this batch. Ids are drawn in input order.
      const inserted = await query<{ id: number; course_id: number; user_id: number; client_message_id: string | null; previous: unknown }>(
        `with previous as (
           select course_id, max(id) as previous from room_events where course_id = any($1::int[]) group by course_id
         ), input as (
           select * from (values ${values.join(", ")}) as v(ord, course_id, user_id, content, client_message_id, reply_to_id, thread_root_id, kind, anonymous, private_to)
         ), inserted as (
           insert into messages (id, course_id, user_id, content, sent_on, client_message_id, reply_to_id, thread_root_id, reply_count, kind, anonymous, private_to, question_status)
           select nextval('room_events_id_seq'), course_id, user_id, content, $2::timestamptz, client_message_id, reply_to_id, thread_root_id, 0,
               kind, anonymous, private_to, case when kind = 'question' then 'open' end
             from input order by ord
           on conflict (course_id, user_id, client_message_id) do nothing
           returning id, course_id, user_id, client_message_id
         ), events as (
           insert into room_events (id, course_id, kind, message_id, user_id, created_at)
           select id, course_id, '${EventKind.MessageAdded}', id, user_id, $2::timestamptz from inserted
         )
         select i.id, i.course_id, i.user_id, i.client_message_id, p.previous from inserted i left join previous p on p.course_id = i.course_id`,
        params,
      );
      const rows = inserted.sort((a, b) => Number(a.id) - Number(b.id));
      const results: (WriteResult | null)[] = [];
      let next = 0;
      for (const m of batch) {
        const row = rows[next];
        const matches = row !== undefined && Number(row.course_id) === m.courseId && Number(row.user_id) === m.userId && row.client_message_id === m.clientMessageId;
        if (!matches) {
          if (m.clientMessageId === null) throw new Error("inserted rows do not match the batch");
          results.push({ duplicateOf: m.clientMessageId });
          continue;
        }
        next++;
        const id = Number(row.id);
        results.push({ messageId: id, sentOn, events: [{ id, previousId: null, kind: EventKind.MessageAdded, messageId: id }] });
      }
      const stored = results.map((r, i) => ({ m: batch[i]!, r })).filter((x): x is { m: NewMessage; r: Extract<WriteResult, { messageId: number }> } => x.r !== null && "messageId" in x.r);
      await this.writeMentions(query, stored);
      await this.writeThreads(query, stored, sentOn);
      chainPrevious(stored.flatMap((s) => s.r.events.map((e) => ({ e, courseId: s.m.courseId }))), new Map(rows.map((row) => [Number(row.course_id), numberOrNull(row.previous)])));
      return results as WriteResult[];
    });
  }

  private async writeMentions(query: PgQuery, stored: { m: NewMessage; r: { messageId: number } }[]): Promise<void> {
    const pairs = stored.flatMap(({ m, r }) => m.mentionIds.map((userId) => [r.messageId, userId] as const));
    if (pairs.length === 0) return;
    await query("insert into message_mentions (message_id, user_id) select * from unnest($1::int[], $2::int[]) on conflict do nothing", [
      intArray(pairs.map((p) => p[0])),
      intArray(pairs.map((p) => p[1])),
    ]);
  }

  /** Each thread root's new summary and its ThreadUpdated event, after the batch's messages. */
  private async writeThreads(query: PgQuery, stored: { m: NewMessage; r: { messageId: number; events: StoredEvent[] } }[], at: Date): Promise<void> {
    const replies = stored.filter(({ m }) => m.reply !== null);
    if (replies.length === 0) return;
    const roots = [...new Set(replies.map(({ m }) => m.reply!.rootId))];
    const counts = roots.map((root) => replies.filter(({ m }) => m.reply!.rootId === root).length);
    const events = await query<{ id: number; message_id: number }>(
      `with bumped as (
         update messages set reply_count = reply_count + c.n, last_reply_at = $3::timestamptz
           from unnest($1::int[], $2::int[]) as c(root, n) where messages.id = c.root returning messages.id, messages.course_id
       )
       insert into room_events (course_id, kind, message_id, created_at)
       select course_id, '${EventKind.ThreadUpdated}', id, $3::timestamptz from bumped order by id returning id, message_id`,
      [intArray(roots), intArray(counts), at],
    );
    const eventByRoot = new Map(events.map((e) => [Number(e.message_id), Number(e.id)]));
    // The root's event goes with the batch's last reply to it.
    for (const root of roots) {
      const last = replies.filter(({ m }) => m.reply!.rootId === root).at(-1)!;
      last.r.events.push({ id: eventByRoot.get(root)!, previousId: null, kind: EventKind.ThreadUpdated, messageId: root });
    }
  }
}

/** Each event's predecessor in its room: the batch's events in id order, after the room's newest before it. */
function chainPrevious(events: { e: StoredEvent; courseId: number }[], before: Map<number, number | null>): void {
  const newest = new Map(before);
  for (const { e, courseId } of events.sort((a, b) => a.e.id - b.e.id)) {
    e.previousId = newest.get(courseId) ?? null;
    newest.set(courseId, e.id);
  }
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
