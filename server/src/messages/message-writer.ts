import { Coalescer, toError } from "../db/coalescer.js";
import type { PostgresConnection } from "../db/postgres-connection.js";
import { intArray, lockRoomsSql } from "../db/room-lock.js";
import { SqliteConnection, type SqliteDatabase, type SqliteStatement } from "../db/sqlite-connection.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import type { StoredMessage } from "./message.type.js";

export interface NewMessage {
  courseId: number;
  userId: number;
  content: string;
  clientMessageId: string | null;
}

/** Stored, with the id of the room's message before it; or a retry whose original exists. */
export type WriteResult = { message: StoredMessage; previousId: number | null } | { duplicateOf: string };

/** A busy moment's sends share one transaction, up to this many. */
const MAX_BATCH = 256;

const INSERT = `insert into messages (course_id, user_id, content, sent_on, client_message_id) values (?, ?, ?, ?, ?)
  on conflict (course_id, user_id, client_message_id) do nothing returning id`;
const PREVIOUS = "select max(id) as previous from messages where course_id = ?";

/**
 * Group commit: sends that arrive while a transaction is being written wait for the next one
 * and share it, so a busy server pays one BEGIN/COMMIT (and on PostgreSQL one fsync and one
 * room lock per room) per batch instead of per message. An idle server writes a send at the
 * next turn of the event loop. Ids still become visible in commit order per room: SQLite has
 * one writer, and PostgreSQL batches hold their rooms' locks until they commit.
 */
export class MessageWriter {
  private readonly batches = new Coalescer<NewMessage, WriteResult>((batch) => this.writeOrSplit(batch), MAX_BATCH);
  private readonly sqliteWriters = new WeakMap<SqliteDatabase, (batch: NewMessage[]) => (WriteResult | Error)[]>();
  constructor(
    /** SQLite's or PostgreSQL's way in, outside the ORM: see each class. */
    private readonly connection: SqliteConnection | PostgresConnection,
  ) {}

  /**
   * Resolves once stored. Callers resume in batch order and publish as they resume, so a room's
   * events go out in id order.
   */
  write(message: NewMessage): Promise<WriteResult> {
    return this.batches.run(message);
  }

  private async writeOrSplit(batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    try {
      return await this.writeBatch(batch);
    } catch (err) {
      // One bad row must not fail its neighbours: write them one by one. An unreachable
      // database fails them all, as it would have one by one.
      if (batch.length === 1 || isDatabaseUnavailable(err)) throw err;
      return Promise.all(batch.map((m) => this.writeBatch([m]).then(([r]) => r!, (e: unknown) => toError(e))));
    }
  }

  private writeBatch(batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    return this.connection instanceof SqliteConnection ? this.writeSqlite(this.connection, batch) : this.writePostgres(this.connection, batch);
  }

  /**
   * SQLite: the whole batch in one synchronous transaction on the pool's connection. A row
   * that fails rolls back to its own savepoint only.
   */
  private writeSqlite(sqlite: SqliteConnection, batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    return sqlite.run((db, prepare) => this.sqliteWriterFor(db, prepare)(batch));
  }

  private sqliteWriterFor(db: SqliteDatabase, prepare: (sql: string) => SqliteStatement) {
    let write = this.sqliteWriters.get(db);
    if (!write) {
      const insert = prepare(INSERT);
      const previous = prepare(PREVIOUS);
      const one = db.transaction((m: NewMessage, sentOn: Date, previousId: number | null): WriteResult => {
        const row = insert.get(m.courseId, m.userId, m.content, sentOn.getTime(), m.clientMessageId) as { id: number } | undefined;
        if (!row) return { duplicateOf: m.clientMessageId! };
        return { message: { id: Number(row.id), course: { id: m.courseId }, content: m.content, sentOn }, previousId };
      });
      write = db.transaction((messages: NewMessage[]) => {
        const newest = new Map<number, number | null>();
        return messages.map((m) => {
          if (!newest.has(m.courseId)) newest.set(m.courseId, numberOrNull((previous.get(m.courseId) as { previous: unknown }).previous));
          try {
            // Nested: a savepoint, so a failing row leaves the others in the batch.
            const result = one(m, new Date(), newest.get(m.courseId) ?? null);
            if ("message" in result) newest.set(m.courseId, result.message.id);
            return result;
          } catch (err) {
            return toError(err);
          }
        });
      });
      this.sqliteWriters.set(db, write);
    }
    return write;
  }

  /**
   * PostgreSQL: three round trips per batch whatever its size: BEGIN with the rooms' locks
   * (taken in id order, so concurrent batches never deadlock), one statement that reads each
   * room's newest id and inserts every row, COMMIT.
   */
  private writePostgres(postgres: PostgresConnection, batch: NewMessage[]): Promise<(WriteResult | Error)[]> {
    const rooms = [...new Set(batch.map((m) => m.courseId))].sort((a, b) => a - b);
    return postgres.transaction(lockRoomsSql(rooms), async (query) => {
      const sentOn = new Date();
      const params: unknown[] = [intArray(rooms)];
      const values = batch.map((m) => {
        const at = params.push(m.courseId, m.userId, m.content, sentOn, m.clientMessageId);
        return `($${at - 4}::int, $${at - 3}::int, $${at - 2}, $${at - 1}::timestamptz, $${at})`;
      });
      // Both parts see the rooms as they were when the statement began (under the locks), so
      // `previous` is each room's newest id before this batch.
      const inserted = await query<{ id: number; course_id: number; user_id: number; client_message_id: string | null; previous: unknown }>(
        `with previous as (
           select course_id, max(id) as previous from messages where course_id = any($1::int[]) group by course_id
         ), inserted as (
           insert into messages (course_id, user_id, content, sent_on, client_message_id) values ${values.join(", ")}
           on conflict (course_id, user_id, client_message_id) do nothing returning id, course_id, user_id, client_message_id
         )
         select i.id, i.course_id, i.user_id, i.client_message_id, p.previous
           from inserted i left join previous p on p.course_id = i.course_id`,
        params,
      );
      const newest = new Map<number, number | null>();
      for (const row of inserted) newest.set(Number(row.course_id), numberOrNull(row.previous));
      // Rows are inserted, and ids drawn, in VALUES order; a row that met an existing retry id
      // is skipped. So the batch minus its duplicates matches the ids in ascending order.
      const rows = inserted.sort((a, b) => Number(a.id) - Number(b.id));
      let next = 0;
      return batch.map((m): WriteResult => {
        const row = rows[next];
        const matches = row !== undefined && Number(row.course_id) === m.courseId && Number(row.user_id) === m.userId && row.client_message_id === m.clientMessageId;
        if (!matches) {
          if (m.clientMessageId !== null) return { duplicateOf: m.clientMessageId };
          throw new Error("inserted rows do not match the batch");
        }
        next++;
        const id = Number(row.id);
        const result = { message: { id, course: { id: m.courseId }, content: m.content, sentOn }, previousId: newest.get(m.courseId) ?? null };
        newest.set(m.courseId, id);
        return result;
      });
    });
  }
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
