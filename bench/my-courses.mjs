// `run.mjs my-courses`: the home screen's query — myCourses by activity with every room's read
// state and latest message, and the totals on `me` — for one student in `--rooms` rooms (50)
// over `--messages` stored messages (100000; the figure is 1000000), `--unread` unread
// per room (200, one in 20 mentioning the student). Sequential requests, one at a time, so the
// figure is the server's latency for one user, not a throughput. Needs `npm run build:server`.
import "reflect-metadata";
import { loadConfig } from "../server/dist/config.js";
import { openOrm } from "../server/dist/db/orm.js";
import { seed } from "./setup.mjs";

const QUERY = process.env["MY_COURSES_QUERY"] ?? `{ myCourses(orderBy: ACTIVITY) { id title unreadCount mentionCount unreadBadge lastReadMessageId firstUnreadMessageId lastActivityAt
  lastMessage { id content sentOn user { id username } } } me { totalUnreadCount totalMentionCount } }`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Bulk rows in SQL itself (generate_series / a recursive CTE): a million inserts through the driver would take minutes. */
export async function fill(conn, kind, { courseIds, senders, reader, messages, unread }) {
  const rooms = courseIds.length;
  const courses = JSON.stringify(courseIds);
  const from = JSON.stringify(senders);
  if (kind === "postgresql") {
    await conn.execute(
      `insert into messages (course_id, user_id, content, sent_on)
       select (?::int[])[1 + g % ${rooms}], (?::int[])[1 + g % ${rooms}], 'bench message ' || g, now() - make_interval(secs => ${messages} - g)
       from generate_series(1, ${messages}) g`,
      [`{${courseIds.join(",")}}`, `{${senders.join(",")}}`],
    );
  } else {
    await conn.execute(
      `with recursive g(n) as (select 1 union all select n + 1 from g where n < ${messages})
       insert into messages (course_id, user_id, content, sent_on)
       select json_extract(?, '$[' || (n % ${rooms}) || ']'), json_extract(?, '$[' || (n % ${rooms}) || ']'), 'bench message ' || n,
         cast((julianday('now') - 2440587.5) * 86400000 as integer) - (${messages} - n) * 1000 from g`,
      [courses, from],
    );
  }
  // The student read each room up to `unread` messages before its end; every 20th unread one mentions them.
  for (const courseId of courseIds) {
    const [marker] = await conn.execute(`select id from messages where course_id = ? order by id desc limit 1 offset ?`, [courseId, unread]);
    const last = Number(marker?.id ?? 0);
    await conn.execute(
      `insert into read_markers (user_id, course_id, last_read_message_id, updated_at) values (?, ?, ?, ?)
       on conflict (user_id, course_id) do update set last_read_message_id = excluded.last_read_message_id`,
      [reader, courseId, last, kind === "sqlite" ? Date.now() : new Date()],
    );
    await conn.execute(
      `insert into message_mentions (message_id, user_id) select id, ? from messages where course_id = ? and id > ? and id % 20 = 0`,
      [reader, courseId, last],
    );
  }
  if (kind === "postgresql") await conn.execute("vacuum analyze");
  else await conn.execute("analyze");
}

export async function myCourses({ freshDatabase, startServer, stop, record, opt, num, secret }) {
  const rooms = num(opt.rooms, 50);
  const messages = num(opt.messages, 100_000);
  const unread = num(opt.unread, 200);
  const requests = num(opt.requests, 1000);
  for (const db of opt.db ? [opt.db] : ["pg", "sqlite"]) {
    const database = await freshDatabase(db);
    try {
      const seeded = await seed({ databaseUrl: database.url, secretKey: secret, rooms, membersPerRoom: 2 });
      const reader = seeded[0].members[0];
      const config = loadConfig({ NODE_ENV: "production", SECRET_KEY: secret, DATABASE_URL: database.url, LOG_LEVEL: "silent", CLIENT_DIST: "" });
      const orm = await openOrm(config.database);
      const started = Date.now();
      try {
        const conn = orm.em.fork().getConnection();
        // The student is in every room; the other member of each room writes.
        for (const room of seeded.slice(1)) await conn.execute("insert into course_students (course_id, user_id) values (?, ?)", [room.courseId, reader.id]);
        await fill(conn, config.database.kind, {
          courseIds: seeded.map((r) => Number(r.courseId)),
          senders: seeded.map((r) => Number(r.members[1].id)),
          reader: Number(reader.id),
          messages,
          unread,
        });
      } finally {
        await orm.close(true);
      }
      console.log(`my-courses ${db}: ${messages} messages in ${rooms} rooms stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const server = await startServer({ env: { SECRET_KEY: secret, DATABASE_URL: database.url }, profile: opt.profile });
      try {
        const ask = async () => {
          const t0 = performance.now();
          const res = await fetch(`${server.url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${reader.token}` },
            body: JSON.stringify({ query: QUERY }),
          });
          const body = await res.json();
          const ms = performance.now() - t0;
          if (body.errors) throw new Error(JSON.stringify(body.errors));
          return { ms, body };
        };
        const { body } = await ask();
        const courses = body.data.myCourses;
        if (courses.length !== rooms || (!process.env["MY_COURSES_QUERY"] && courses.some((c) => c.unreadCount !== unread))) throw new Error(`unexpected answer: ${JSON.stringify(courses.slice(0, 2))}`);
        for (let i = 0; i < 50; i++) await ask(); // warm-up
        const times = [];
        for (let i = 0; i < requests; i++) times.push((await ask()).ms);
        times.sort((a, b) => a - b);
        const report = {
          requests,
          p50: +percentile(times, 50).toFixed(2),
          p95: +percentile(times, 95).toFixed(2),
          p99: +percentile(times, 99).toFixed(2),
          max: +times.at(-1).toFixed(2),
          totalUnread: body.data.me?.totalUnreadCount ?? null,
        };
        record(`my-courses ${db}`, { rooms, messages, unread }, report);
        console.log(`my-courses ${db}: ${rooms} rooms, ${messages} messages, ${unread} unread each: p50 ${report.p50} ms, p95 ${report.p95} ms, p99 ${report.p99} ms (max ${report.max})`);
      } finally {
        await stop(server);
      }
    } finally {
      await database.drop();
    }
  }
}
