// The staff queue on a big course: one course with 10 000 questions (a quarter still open, some
// anonymous or private) among 20 000 ordinary messages, then the queue page's own query timed
// as its instructor sends it, one request at a time over HTTP. Also: the page a scroll further
// down (`after`), and similar questions while a student types, on the same data.
import "reflect-metadata";
import { loadConfig } from "../server/dist/config.js";
import { openOrm } from "../server/dist/db/orm.js";

const QUESTIONS = 10_000;
const MESSAGES = 20_000;
const BATCH = 400;

// The queue page's query (client/src/questions/operations.ts: OpenQuestions with QueueQuestion).
const QUEUE = `query OpenQuestions($courseId: ID, $first: Int, $after: ID) {
  openQuestions(courseId: $courseId, first: $first, after: $after) { ...QueueQuestion }
}
fragment QueueQuestion on Message {
  id courseId content sentOn user { id username role } ...QuestionFields
}
fragment QuestionFields on Message {
  kind anonymous threadRootId replyCount
  question { status private acceptedAnswerId askedAt waitingSeconds }
  answer { endorsed accepted }
}`;
const SIMILAR = `query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {
  similarQuestions(courseId: $courseId, text: $text, first: $first) { id content question { status } }
}`;

const TOPICS = ["recursion", "sorting", "hash tables", "binary trees", "graphs", "dynamic programming", "heaps", "big-O notation", "linked lists", "tries"];
const VERBS = ["Why does", "How do I make", "Can someone explain why", "Is it normal that", "What is wrong when"];

/** Stores the course's backlog as the server would: each message with the room event that adds it, whose id it takes. */
async function storeBacklog(databaseUrl, secretKey, courseId, authorIds) {
  const config = loadConfig({ NODE_ENV: "production", SECRET_KEY: secretKey, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", CLIENT_DIST: "" });
  const orm = await openOrm(config.database);
  const sqlite = config.database.kind === "sqlite";
  const conn = orm.em.fork().getConnection();
  const at = (ms) => (sqlite ? ms : new Date(ms));
  try {
    const [{ next }] = await conn.execute("select coalesce(max(id), 0) + 1 as next from room_events");
    const start = Date.now() - (QUESTIONS + MESSAGES) * 60_000;
    const rows = [];
    for (let i = 0; i < QUESTIONS + MESSAGES; i++) {
      // Every third message is a question; a quarter of those still wait, the rest answered or resolved.
      const question = i % 3 === 0 && Math.floor(i / 3) < QUESTIONS;
      const q = Math.floor(i / 3);
      const author = authorIds[i % authorIds.length];
      const sent = start + i * 60_000;
      const status = !question ? null : q % 4 === 0 ? "open" : q % 4 === 1 ? "resolved" : "answered";
      const content = question
        ? `${VERBS[q % VERBS.length]} my ${TOPICS[q % TOPICS.length]} exercise ${q} fail on the larger inputs?`
        : `Chat message ${i} about this week's ${TOPICS[i % TOPICS.length]}`;
      rows.push({
        id: Number(next) + i, author, sent, content,
        kind: question ? "question" : "message",
        anonymous: question && q % 10 === 3,
        privateTo: question && q % 20 === 7 ? author : null,
        status,
        answeredAt: status && status !== "open" ? sent + 600_000 : null,
        resolvedAt: status === "resolved" ? sent + 900_000 : null,
      });
    }
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      await conn.execute(
        `insert into room_events (id, course_id, kind, message_id, user_id, created_at) values ${chunk.map(() => "(?, ?, 'added', ?, ?, ?)").join(", ")}`,
        chunk.flatMap((r) => [r.id, courseId, r.id, r.author, at(r.sent)]),
      );
      await conn.execute(
        `insert into messages (id, course_id, user_id, content, sent_on, reply_count, kind, anonymous, private_to, question_status, answered_at, resolved_at, first_staff_answer_at)
         values ${chunk.map(() => "(?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        chunk.flatMap((r) => [
          r.id, courseId, r.author, r.content, at(r.sent), r.kind, sqlite ? Number(r.anonymous) : r.anonymous, r.privateTo, r.status,
          r.answeredAt === null ? null : at(r.answeredAt), r.resolvedAt === null ? null : at(r.resolvedAt), r.answeredAt === null ? null : at(r.answeredAt),
        ]),
      );
    }
    if (!sqlite) {
      await conn.execute("select setval(pg_get_serial_sequence('room_events', 'id'), (select max(id) from room_events))");
      await conn.execute("select setval(pg_get_serial_sequence('messages', 'id'), (select max(id) from messages))");
      await conn.execute("analyze messages");
    }
    return rows.filter((r) => r.status === "open").map((r) => String(r.id));
  } finally {
    await orm.close(true);
  }
}

async function post(url, token, query, variables) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (body.errors) throw new Error(`${body.errors[0].message} (${body.errors[0].extensions?.code})`);
  return { ms, data: body.data };
}

const pct = (sorted, p) => +sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(2);

/** Sequential requests after a warm-up: latency percentiles as the one user waiting sees them. */
async function time(requests, warmup, send) {
  for (let i = 0; i < warmup; i++) await send(i);
  const samples = [];
  let check;
  for (let i = 0; i < requests; i++) {
    const { ms, data } = await send(i);
    samples.push(ms);
    check ??= data;
  }
  samples.sort((a, b) => a - b);
  return { n: samples.length, p50: pct(samples, 50), p95: pct(samples, 95), p99: pct(samples, 99), max: +samples.at(-1).toFixed(2), check };
}

/** `npm run bench -- question-queue [--db sqlite|pg] [--requests N]`: target p99 ≤ 50 ms for the queue page. */
export async function questionQueue({ freshDatabase, seed, startServer, stop, record, opt, num, secret, systemBusySeconds }) {
  const requests = num(opt.requests, 1000);
  for (const db of opt.db ? [opt.db] : ["sqlite", "pg"]) {
    const database = await freshDatabase(db);
    let server;
    try {
      const [room] = await seed({ databaseUrl: database.url, secretKey: secret, rooms: 1, membersPerRoom: 40 });
      const openIds = await storeBacklog(database.url, secret, Number(room.courseId), room.members.map((m) => Number(m.id)));
      server = await startServer({ env: { SECRET_KEY: secret, DATABASE_URL: database.url } });
      // The course's instructor, through the login a browser uses.
      const login = await post(server.url, "", `mutation { login(username: "bench_owner", password: "bench-password-123") { token } }`, {});
      const owner = login.data.login.token;
      const student = room.members[0].token;
      const busyBefore = systemBusySeconds();
      const ownBefore = process.cpuUsage();
      server.sampler.mark();
      const first = await time(requests, 50, () => post(server.url, owner, QUEUE, { courseId: room.courseId, first: 50 }));
      if (first.check.openQuestions.length !== 50 || first.check.openQuestions[0].id !== openIds[0]) throw new Error("the queue's first page is not the 50 oldest open questions");
      const deep = await time(requests, 50, (i) => post(server.url, owner, QUEUE, { courseId: room.courseId, first: 50, after: openIds[1000 + (i % 1000)] }));
      const similar = await time(Math.min(requests, 300), 20, (i) =>
        post(server.url, student, SIMILAR, { courseId: room.courseId, text: `my ${TOPICS[i % TOPICS.length]} exercise fails on larger inputs`, first: 5 }),
      );
      // Whatever else ran on the machine meanwhile: all busy CPU less the server's and this process's.
      const own = process.cpuUsage(ownBefore);
      const serverCpu = server.sampler.window().cpuSeconds;
      const otherCpuSeconds = systemBusySeconds() - busyBefore - serverCpu - (own.user + own.system) / 1e6;
      const params = { db, questions: QUESTIONS, messages: MESSAGES, open: openIds.length, requests };
      for (const [name, r] of [["first page", first], ["page after 1000+ open", deep], ["similar questions (student)", similar]]) {
        delete r.check;
        record(`question-queue ${db} ${name}`, params, { latencyMs: r, serverCpuSeconds: serverCpu, otherCpuSeconds: +otherCpuSeconds.toFixed(1) });
      }
    } finally {
      if (server) await stop(server);
      await database.drop();
    }
  }
}
