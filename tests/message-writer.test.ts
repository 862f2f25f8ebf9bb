import { describe, expect, it } from "vitest";
import { PostgresConnection } from "../server/src/db/postgres-connection.js";
import { SqliteConnection } from "../server/src/db/sqlite-connection.js";
import { MessageWriter, type NewMessage } from "../server/src/messages/message-writer.js";
import { EventKind } from "../server/src/timeline/events.js";
import { seededApps } from "./support/app.js";

const start = seededApps();

describe.each(["sqlite", "postgresql"] as const)("a batch of sends with one bad row, on %s", (kind) => {
  it("stores every other row once, in order, and fails only the bad one", async () => {
    const { app, world } = await start(kind);
    const writer = new MessageWriter(kind === "sqlite" ? new SqliteConnection(app.orm) : new PostgresConnection(app.orm));
    const courseId = Number(world.roomId);
    const send = (content: string, userId = Number(world.userIds.alice)): NewMessage => ({
      courseId,
      userId,
      content,
      clientMessageId: null,
      kind: "message",
      anonymous: false,
      privateTo: null,
      reply: null,
      mentionIds: [],
    });

    // The first send is written at once; the next four arrive while it is, and share a batch.
    const writes = [send("first"), send("second"), send("from nobody", 999_999), send("third"), send("fourth")].map((m) => writer.write(m));
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);

    const ids = results.flatMap((r) => (r.status === "fulfilled" && "messageId" in r.value ? [r.value.messageId] : []));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const em = app.orm.em.fork();
    const stored: { id: number; content: string }[] = await em.getConnection().execute(
      "select id, content from messages where course_id = ? order by id",
      [courseId],
    );
    expect(stored.map((m) => m.content)).toEqual(["first", "second", "third", "fourth"]);
    expect(stored.map((m) => Number(m.id))).toEqual(ids);
    // Each stored message has its one added event, and the failed row left none behind.
    const events: { message_id: number }[] = await em.getConnection().execute(
      "select message_id from room_events where course_id = ? and kind = ? order by id",
      [courseId, EventKind.MessageAdded],
    );
    expect(events.map((e) => Number(e.message_id))).toEqual(ids);
  });
});
