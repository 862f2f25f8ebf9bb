import { spawnSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { ForeignKeyConstraintViolationException } from "@mikro-orm/core";
import { afterAll, describe, expect, it } from "vitest";
import { User } from "../server/src/auth/user.entity.js";
import { loadConfig } from "../server/src/config.js";
import { Course } from "../server/src/courses/course.entity.js";
import { openOrm } from "../server/src/db/orm.js";
import { seededApps, startApp } from "./support/app.js";
import { freshPostgres, freshSqlite, TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { graphql } from "./support/graphql.js";
import { seedWorld } from "./support/world.js";

const dropped: TestDatabase[] = [];
afterAll(async () => Promise.all(dropped.map((d) => d.drop())));

async function database(kind: "sqlite" | "postgresql"): Promise<TestDatabase> {
  const db = kind === "sqlite" ? freshSqlite() : await freshPostgres();
  dropped.push(db);
  return db;
}

function manage(databaseUrl: string, ...args: string[]) {
  return spawnSync(process.execPath, ["server/dist/cli/manage.js", ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe.each(["sqlite", "postgresql"] as const)("the %s database", (kind) => {
  it("is migrated by `manage migrate`; a second run is a no-op, and the entities match the migrations", async () => {
    const db = await database(kind);
    const first = manage(db.url, "migrate");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Applied");
    const second = manage(db.url, "migrate");
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("Nothing to apply");
    const orm = await openOrm(loadConfig({ DATABASE_URL: db.url }).database);
    try {
      // A change to an entity without a migration for it fails here. The trigram index for
      // content search exists on PostgreSQL only, outside the entity metadata.
      const diff = (await orm.schema.getUpdateSchemaSQL({ wrap: false }))
        .split("\n")
        .filter((line) => line.trim() && !line.includes("messages_content_trgm_index"));
      expect(diff).toEqual([]);
    } finally {
      await orm.close(true);
    }
  });

  it("refuses to delete a user or a course that has messages", async () => {
    const db = await database(kind);
    const world = await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, SEND_RATE_LIMIT: "off" });
    try {
      const sent = await graphql(app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "keep me") { id } }`, { id: world.roomId }, world.tokens.alice);
      expect(sent.errors).toBeUndefined();
      const em = app.orm.em.fork();
      await expect(em.nativeDelete(User, { id: Number(world.userIds.alice) })).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
      await expect(em.nativeDelete(Course, { id: Number(world.roomId) })).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
      const history = await graphql(app.url, `query($id: ID!) { messages(courseId: $id) { content } }`, { id: world.roomId }, world.tokens.alice);
      expect(history.data?.["messages"]).toEqual([{ content: "keep me" }]);
    } finally {
      await app.stop();
    }
  });

  it("writes nothing but the message when a member reads and sends (no hidden UPDATE of users or courses)", async () => {
    const db = await database(kind);
    const world = await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, SEND_RATE_LIMIT: "off" });
    const sql = (text: string) => app.orm.em.fork().getConnection().execute(text);
    try {
      // Triggers count every UPDATE, including one that rewrites a value with itself.
      await sql("create table row_updates (tbl varchar(16) not null)");
      for (const table of ["users", "courses"]) {
        if (kind === "sqlite") {
          await sql(`create trigger ${table}_updated after update on ${table} begin insert into row_updates values ('${table}'); end`);
        } else {
          await sql(`create function note_${table}_update() returns trigger language plpgsql as $$ begin insert into row_updates values ('${table}'); return new; end $$`);
          await sql(`create trigger ${table}_updated after update on ${table} for each row execute function note_${table}_update()`);
        }
      }
      for (const who of ["alice", "teacher", "staff"] as const) {
        const read = await graphql(app.url, `query($id: ID!) { me { id } course(id: $id) { title } messages(courseId: $id) { id } }`, { id: world.roomId }, world.tokens[who]);
        expect(read.errors).toBeUndefined();
        const sent = await graphql(app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "hello") { id } }`, { id: world.roomId }, world.tokens[who]);
        expect(sent.errors).toBeUndefined();
      }
      expect(await sql("select tbl from row_updates")).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it("manages users from the command line: create-user, set-role, seed-demo (twice)", async () => {
    const db = await database(kind);
    expect(manage(db.url, "migrate").status).toBe(0);
    const created = manage(db.url, "create-user", "--username", "Prof", "--password", "long enough", "--role", "instructor");
    expect(created.status, created.stderr).toBe(0);
    expect(manage(db.url, "create-user", "--username", "prof", "--password", "long enough").status).not.toBe(0);
    const role = manage(db.url, "set-role", "--username", "PROF", "--role", "staff");
    expect(role.stdout).toContain("Prof is now staff");
    expect(manage(db.url, "seed-demo").status).toBe(0);
    const again = manage(db.url, "seed-demo");
    expect(again.stdout).toContain("already there");
    const app = await startApp({ DATABASE_URL: db.url });
    try {
      const login = await graphql(app.url, `mutation { login(username: "alice", password: "educa-demo-password") { token } }`);
      const mine = await graphql(app.url, `{ myCourses { title } }`, {}, login.data?.["login"].token);
      expect(mine.data?.["myCourses"]).toHaveLength(2);
      const staff = await graphql(app.url, `mutation { login(username: "prof", password: "long enough") { user { role } } }`);
      expect(staff.data?.["login"].user.role).toBe("Staff");
    } finally {
      await app.stop();
    }
  }, 120_000);
});

describe("sqlite under concurrent writes", () => {
  const start = seededApps();
  it("runs in WAL mode and stores 50 concurrent sends with no SQLITE_BUSY reaching a client", async () => {
    const { app, world } = await start("sqlite", { SEND_RATE_LIMIT: "off" });
    const [mode] = await app.orm.em.fork().getConnection().execute<{ journal_mode: string }[]>("pragma journal_mode");
    expect(mode?.journal_mode).toBe("wal");
    const tokens = [world.tokens.alice, world.tokens.bob, world.tokens.teacher, world.tokens.staff];
    const sends = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        graphql(app.url, `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`, { id: world.roomId, c: `m${i}` }, tokens[i % 4]),
      ),
    );
    expect(sends.flatMap((s) => s.errors ?? [])).toEqual([]);
    const history = await graphql(app.url, `query($id: ID!) { messages(courseId: $id, last: 100) { content } }`, { id: world.roomId }, world.tokens.alice);
    expect(history.data?.["messages"]).toHaveLength(50);
  });

  it("copies what it commits into the database file from its own thread, not in the commit", async () => {
    const { app, db, world } = await start("sqlite", { SEND_RATE_LIMIT: "off" });
    const [setting] = await app.orm.em.fork().getConnection().execute<{ wal_autocheckpoint: number }[]>("pragma wal_autocheckpoint");
    expect(setting?.wal_autocheckpoint).toBe(0);
    const sends = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        graphql(app.url, `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`, { id: world.roomId, c: `checkpointed ${i}` }, world.tokens.alice),
      ),
    );
    expect(sends.flatMap((s) => s.errors ?? [])).toEqual([]);
    // The database file alone (without its write-ahead log) holds every message once the
    // thread has checkpointed: a copy of the file is read on its own.
    const file = db.url.slice("sqlite:".length);
    const copy = `${file}.copy`;
    const storedInFile = async () => {
      copyFileSync(file, copy);
      const alone = await openOrm({ kind: "sqlite", path: copy });
      try {
        const [row] = await alone.em.fork().getConnection().execute<{ n: number }[]>("select count(*) as n from messages where content like 'checkpointed %'");
        return Number(row?.n);
      } finally {
        await alone.close(true);
        rmSync(copy, { force: true });
      }
    };
    await expect.poll(storedInFile, { timeout: 5000, interval: 200 }).toBe(40);
  });
});
