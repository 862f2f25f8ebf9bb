// Untimed set-up: users, courses and enrolments inserted in bulk with plain SQL through the
// server's own ORM (registering thousands of users through the API would spend minutes in
// argon2, on purpose slow), then one real token per user signed with the server's key.
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { loadConfig } from "../server/dist/config.js";
import { openOrm, migrate } from "../server/dist/db/orm.js";
import { createInProcessRoomBus } from "../server/dist/realtime/room-bus.js";
import { createLogger } from "../server/dist/logger.js";

// createServices moved from app.js to services.js; accept either build.
const { createServices } = await import("../server/dist/services.js").catch(() => import("../server/dist/app.js"));

const BATCH = 500;

async function insertRows(conn, table, columns, rows) {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const values = chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
    await conn.execute(`insert into ${table} (${columns.join(", ")}) values ${values}`, chunk.flat());
  }
}

/**
 * Creates `rooms` courses with `membersPerRoom` distinct enrolled students each.
 * Returns [{ courseId, members: [{ id, token }] }] with ids as strings (GraphQL IDs).
 */
export async function seed({ databaseUrl, secretKey, rooms, membersPerRoom }) {
  const config = loadConfig({
    NODE_ENV: "production",
    SECRET_KEY: secretKey,
    DATABASE_URL: databaseUrl,
    SEND_RATE_LIMIT: "off",
    LOG_LEVEL: "silent",
    CLIENT_DIST: "",
  });
  const orm = await openOrm(config.database);
  try {
    await migrate(orm);
    const services = createServices(config, orm, createInProcessRoomBus(""), createLogger("silent"));
    const em = orm.em.fork();
    const conn = em.getConnection();
    // One real argon2 hash (and the driver's own created_at encoding), copied to everybody.
    const owner = await services.auth.createUser(em, "bench_owner", "bench-password-123", "instructor");
    const [ownerRow] = await conn.execute("select password_hash, created_at from users where id = ?", [owner.id]);
    const { password_hash: hash, created_at: createdAt } = ownerRow;

    const total = rooms * membersPerRoom;
    const userRows = [];
    for (let i = 0; i < total; i++) {
      const name = `bench_u${i}`;
      userRows.push([name, name, hash, "student", createdAt]);
    }
    await insertRows(conn, "users", ["username", "username_key", "password_hash", "role", "created_at"], userRows);
    const users = await conn.execute("select id, username from users where username like 'bench\\_u%' escape '\\' order by id");
    const idByName = new Map(users.map((u) => [u.username, Number(u.id)]));

    const courseRows = [];
    for (let r = 0; r < rooms; r++) courseRows.push([`Bench room ${r}`, `bench-room-${r}`, "", owner.id, createdAt]);
    await insertRows(conn, "courses", ["title", "slug", "overview", "owner_id", "created_at"], courseRows);
    const courses = await conn.execute("select id, slug from courses where slug like 'bench-room-%'");
    const courseBySlug = new Map(courses.map((c) => [c.slug, Number(c.id)]));

    // One session per member, its first token signed as a login would (the session row in bulk).
    const endsAt = new Date(Date.now() + config.sessionMaxAgeSeconds * 1000);
    const [endsAtRow] = await conn.execute("select ? as v", [config.database.kind === "sqlite" ? endsAt.getTime() : endsAt]);
    const sessionRows = [];
    const tokenFor = async (id) => {
      const sid = randomBytes(16).toString("base64url");
      sessionRows.push([sid, id, createdAt, endsAtRow.v, 1]);
      return services.auth.tokens.issue(id, { id: sid, generation: 1 }, endsAt);
    };
    const result = [];
    const enrolRows = [];
    for (let r = 0; r < rooms; r++) {
      const courseId = courseBySlug.get(`bench-room-${r}`);
      const members = [];
      for (let m = 0; m < membersPerRoom; m++) {
        const id = idByName.get(`bench_u${r * membersPerRoom + m}`);
        enrolRows.push([courseId, id]);
        members.push({ id: String(id), token: await tokenFor(id) });
      }
      result.push({ courseId: String(courseId), members });
    }
    await insertRows(conn, "course_students", ["course_id", "user_id"], enrolRows);
    await insertRows(conn, "sessions", ["id", "user_id", "created_at", "ends_at", "generation"], sessionRows);
    return result;
  } finally {
    await orm.close(true);
  }
}
