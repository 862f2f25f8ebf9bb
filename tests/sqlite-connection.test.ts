import type { SqlEntityManager } from "@mikro-orm/knex";
import { describe, expect, it } from "vitest";
import { SqliteConnection } from "../server/src/db/sqlite-connection.js";
import { seededApps } from "./support/app.js";

const start = seededApps();

const titleOf = (connection: SqliteConnection, courseId: number) =>
  connection.run((_db, prepare) => (prepare("select title from courses where id = ?").get(courseId) as { title: string }).title);

describe("hot statements on SQLite's one pooled connection", () => {
  it("run at once on the idle connection, but never inside an ORM transaction that holds it", async () => {
    const { app, world } = await start("sqlite");
    const connection = new SqliteConnection(app.orm);
    const courseId = Number(world.roomId);
    const title = await titleOf(connection, courseId);
    // Idle again: this one runs on the connection without acquiring it, and answers the same.
    expect(await titleOf(connection, courseId)).toBe(title);

    let readDuringTransaction: Promise<string> | null = null;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = app.orm.em.fork().transactional(async (em) => {
      await (em as SqlEntityManager).execute("update courses set title = 'uncommitted' where id = ?", [courseId]);
      // The transaction holds the connection: a hot read must wait for it, not see its change.
      readDuringTransaction = titleOf(connection, courseId);
      await held;
      throw new Error("rolled back");
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(transaction).rejects.toThrow("rolled back");
    expect(await readDuringTransaction).toBe(title);
    expect(await titleOf(connection, courseId)).toBe(title);
  });
});
