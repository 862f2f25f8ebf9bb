// The load generator, a child process of run.mjs (so its CPU is not the server's): opens the
// subscribers, sends at a fixed open-loop rate, and checks reach (every subscriber gets every
// acknowledged message of its room exactly once, in id order) and latency (receive − send time).
import { createHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ceilingSender, educaSender, ME, now, pool, postGraphql, SEND, socketOperator, subscriber } from "./clients.mjs";

const send = (msg) => process.send(msg);
const waitGo = (phase) =>
  new Promise((resolve) => {
    const on = (m) => m.go === phase && (process.off("message", on), resolve());
    process.on("message", on);
    send({ phase });
  });
const ms = (h, p) => +(h.count ? h.percentile(p) / 1000 : 0).toFixed(2); // histograms hold µs
const latency = (h) => ({ p50: ms(h, 50), p95: ms(h, 95), p99: ms(h, 99), max: +(h.count ? h.max / 1000 : 0).toFixed(2), n: h.count });

const problems = new Map();
const problem = (text) => problems.set(text, (problems.get(text) ?? 0) + 1);

/** Subscribers + senders for the broadcast modes (big-room, many-rooms, cluster, idle, reconnect). */
async function broadcast(plan) {
  const { target, servers, rooms, rate, duration } = plan;
  const perRoom = Math.ceil((rate * duration) / rooms.length) + 2;
  const hist = { all: createHistogram(), same: createHistogram(), cross: createHistogram() };
  const subs = [];
  for (const room of rooms) {
    room.acked = new Int32Array(perRoom); // seq → stored id; 0 = not acknowledged
    room.maxId = 0;
    // mixed: messages stored so far (each edited at most once and reacted to at most once) and
    // the seq and send time of each reaction, by message id (its event carries no new content).
    room.stored = [];
    room.nextEdit = 0;
    room.nextReaction = 0;
    room.reactions = new Map();
    for (const s of room.subscribers) {
      const sub = { ...s, room, counts: new Uint8Array(perRoom), lastId: 0, outOfOrder: 0, warm: false, caughtUpAt: 0 };
      sub.same = s.server === room.sender.server;
      subs.push(sub);
    }
  }
  const onEvent = (sub) => (id, seq, t) => {
    if (id !== null && id <= sub.lastId) sub.outOfOrder++; // a repeat counts here and as a duplicate
    if (id !== null) sub.lastId = Math.max(sub.lastId, id);
    if (seq === null) return void (sub.warm = true);
    if (sub.counts[seq] < 255) sub.counts[seq]++;
    const lat = Math.max(1, Math.round((now() - t) * 1000));
    hist.all.record(lat);
    (sub.same ? hist.same : hist.cross).record(lat);
    sub.lastAt = now();
    if (sub.waitFor && id >= sub.waitFor && !sub.caughtUpAt) sub.caughtUpAt = now();
  };
  // awareness: every subscriber also follows presence and typing; see run.mjs's awareness scenario.
  const awareness = plan.awareness ? { frames: 0, batched: plan.awareness.batched } : undefined;
  const connect = (sub, after) => {
    const events = plan.mode === "mixed" ? (_kind, messageId) => sub.room.reactions.get(messageId) ?? [null, null] : undefined;
    const c = subscriber({ target, url: servers[sub.server], token: sub.token, courseId: sub.room.courseId, after, onEvent: onEvent(sub), onProblem: problem, events, awareness });
    sub.conn = c;
    return c.opened;
  };
  await pool(subs.map((sub) => () => connect(sub)), 200);

  const senders = await Promise.all(
    rooms.map((r) => (target === "ceiling" ? ceilingSender(servers[0]) : educaSender(servers[r.sender.server], r.sender.token, r.courseId))),
  );
  // No ack exists for a subscription: warm-up messages until every subscriber has seen one.
  const warmDeadline = Date.now() + 60_000;
  for (let k = 0; subs.some((s) => !s.warm) && Date.now() < warmDeadline; k++) {
    await Promise.all(senders.map((s) => s.send(JSON.stringify({ warm: k })).catch((e) => problem(e.message))));
    await sleep(k < 3 ? 300 : 1000);
  }
  const unready = subs.filter((s) => !s.warm).length;
  // awareness: the joins of everyone subscribing reach everyone already there (n²/2 presence
  // frames); the window measures the room afterwards, once they have stopped arriving.
  for (let last = -1; awareness && awareness.frames !== last; ) {
    last = awareness.frames;
    await sleep(1000);
  }
  if (plan.mode === "idle") await waitGo("subscribed"); // run.mjs reads the server's RSS here
  await waitGo("ready");

  const cpu0 = process.cpuUsage();
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  let sent = 0;
  let sendErrors = 0;
  const start = now();
  const total = Math.round(rate * duration);
  const inflight = new Set();
  const storm = plan.mode === "reconnect" ? { dropAt: start + duration * 300, resumeAt: start + duration * 500 } : null;
  let dropped = false;
  let resumed = false;
  // awareness: the first `typists` subscribers renew typing every 3 s, staggered; `churn` other
  // members a second open the room for 2 s and leave (a join and a leave for everyone to hear).
  const typists = plan.awareness ? subs.slice(0, plan.awareness.typists) : [];
  const churners = plan.awareness ? rooms.flatMap((r) => r.churn.map((m) => ({ ...m, room: r }))) : [];
  let typed = 0, churned = 0;
  const visitors = new Set();
  // Open loop: the schedule never waits for responses; 5 ms ticks catch up on what is due.
  while (sent < total && now() - start < duration * 1000 + 5_000) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const room = rooms[sent % rooms.length];
      const seq = Math.floor(sent / rooms.length) + 1;
      const sender = senders[sent % rooms.length];
      const t = now();
      // mixed: one event in five changes a stored message, edits and reactions in turn.
      const change = plan.mode === "mixed" && seq % 5 === 0 ? (seq % 10 === 0 ? "edit" : "reaction") : null;
      const target = change === "edit" ? room.stored[room.nextEdit] : change === "reaction" ? room.stored[room.nextReaction] : undefined;
      let p;
      if (target === undefined) {
        p = sender.send(JSON.stringify({ t, seq })).then((id) => {
          room.stored.push(id);
          return id;
        });
      } else if (change === "edit") {
        room.nextEdit++;
        p = sender.change(target, { content: JSON.stringify({ t, seq }) });
      } else {
        room.nextReaction++;
        room.reactions.set(target, [seq, t]);
        p = sender.change(target, { emoji: "👍" });
      }
      p = p
        .then((id) => {
          room.acked[seq] = id ?? seq;
          room.maxId = Math.max(room.maxId, id ?? seq);
        })
        .catch((e) => (sendErrors++, problem(e.message)));
      inflight.add(p);
      p.finally(() => inflight.delete(p));
    }
    if (plan.awareness) {
      const elapsed = (now() - start) / 1000;
      for (; typed < Math.floor((elapsed * typists.length) / 3); typed++) typists[typed % typists.length].conn.typing();
      for (; churned < Math.floor(elapsed * plan.awareness.churn) && churners.length; churned++) {
        const m = churners[churned % churners.length];
        const visitor = subscriber({ target, url: servers[churned % servers.length], token: m.token, courseId: m.room.courseId, onEvent: () => {}, onProblem: problem });
        visitors.add(visitor);
        setTimeout(() => (visitor.close(), visitors.delete(visitor)), 2000);
      }
    }
    if (storm && !dropped && now() >= storm.dropAt) {
      dropped = true;
      for (const s of subs) s.conn.close(); // everybody drops at once
    }
    if (storm && !resumed && now() >= storm.resumeAt) {
      resumed = true;
      storm.t0 = now();
      for (const s of subs) {
        s.waitFor = s.room.maxId; // "the present": the newest acknowledged id at reconnect
        if (s.lastId >= s.waitFor) s.caughtUpAt = storm.t0;
        connect(s, s.lastId); // all at once, each resuming after the last id it saw
      }
    }
    await sleep(5);
  }
  const sendEnd = now();
  await Promise.allSettled([...inflight]);
  // Drain: until every expected delivery arrived, or 5 s of silence-bounded waiting.
  const expectedPer = (s) => s.room.acked.reduce((n, id, seq) => n + (seq > 0 && id > 0 ? 1 : 0), 0);
  const missing = () => subs.reduce((n, s) => n + (s.counts.reduce((k, c, seq) => k + (seq > 0 && s.room.acked[seq] && c ? 1 : 0), 0) < expectedPer(s) ? 1 : 0), 0);
  const drainEnd = now() + (plan.drainSeconds ?? 5) * 1000;
  while (now() < drainEnd && missing() > 0) await sleep(250);
  await waitGo("drained");
  eld.disable();
  const cpu = process.cpuUsage(cpu0);

  let expected = 0, delivered = 0, lost = 0, duplicates = 0, unacked = 0, outOfOrder = 0, lastDelivery = start;
  for (const s of subs) {
    outOfOrder += s.outOfOrder;
    if (s.lastAt > lastDelivery) lastDelivery = s.lastAt;
    for (let seq = 1; seq < s.counts.length; seq++) {
      const c = s.counts[seq];
      if (!s.room.acked[seq]) {
        unacked += c;
        continue;
      }
      expected++;
      if (c) delivered++;
      else lost++;
      if (c > 1) duplicates += c - 1;
    }
  }
  for (const s of subs) s.conn.close();
  for (const v of visitors) v.close();
  for (const s of senders) s.close();
  const report = {
    sent: rooms.reduce((n, r) => n + r.acked.filter((id) => id > 0).length, 0),
    sendErrors,
    subscribers: subs.length,
    unreadyAfterWarmup: unready,
    expected, delivered, lost, duplicates, outOfOrder, unackedDeliveries: unacked,
    reach: expected ? +(delivered / expected).toFixed(4) : 0,
    sendSeconds: +((sendEnd - start) / 1000).toFixed(2),
    deliveriesPerSecond: Math.round(delivered / ((lastDelivery - start) / 1000)),
    latencyMs: latency(hist.all),
    generator: { cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), eventLoopDelayP99Ms: +(eld.percentile(99) / 1e6).toFixed(1) },
  };
  if (plan.servers.length > 1) {
    report.latencySameInstanceMs = latency(hist.same);
    report.latencyCrossInstanceMs = latency(hist.cross);
  }
  if (awareness) report.awareness = { typingCalls: typed, visits: churned, framesReceived: awareness.frames };
  if (storm) {
    const catchUp = createHistogram();
    let notCaughtUp = 0;
    for (const s of subs) {
      if (s.caughtUpAt) catchUp.record(Math.max(1, Math.round((s.caughtUpAt - storm.t0) * 1000)));
      else notCaughtUp++;
    }
    report.catchUpMs = { ...latency(catchUp), notCaughtUp };
  }
  return report;
}

/**
 * Closed loop: `writers` requests in flight for `duration` s, each right after the previous.
 * `send` and `me` are HTTP requests from random members; `send-ws` and `me-ws` go over one open,
 * authenticated socket per writer (writer i is a member of room i mod rooms), as a client with
 * its room open would send them. Connecting is not timed. `send-writers` and `me-writers` are
 * HTTP requests from those same writers, each to its own room: the socket's load over HTTP.
 */
async function writeLoad(plan, op) {
  const { servers, rooms, duration, writers } = plan;
  const hist = createHistogram();
  let ok = 0, errors = 0, n = 0;
  const overSocket = op.endsWith("-ws");
  const writerOf = (i) => {
    const room = rooms[i % rooms.length];
    return { room, member: room.subscribers[Math.floor(i / rooms.length) % room.subscribers.length] };
  };
  const sameWriters = op.endsWith("-writers");
  const sockets = overSocket
    ? await Promise.all(Array.from({ length: writers }, (_, i) => {
        const { room, member } = writerOf(i);
        return socketOperator(servers[0], member.token).then((s) => ({ s, room }));
      }))
    : [];
  const kind = op.replace(/-(ws|writers)$/, "");
  await waitGo(`ready ${op}`);
  const cpu0 = process.cpuUsage();
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const start = now();
  const end = start + duration * 1000;
  const worker = async (i) => {
    while (now() < end) {
      const t = now();
      try {
        let res;
        if (overSocket) {
          const { s, room } = sockets[i];
          res = kind === "me" ? await s.request(ME, {}) : await s.request(SEND, { c: room.courseId, t: `write ${n++}` });
        } else {
          const room = sameWriters ? writerOf(i).room : rooms[Math.floor(Math.random() * rooms.length)];
          const member = sameWriters ? writerOf(i).member : room.subscribers[Math.floor(Math.random() * room.subscribers.length)];
          res = kind === "me"
            ? await postGraphql(servers[0], member.token, ME, {})
            : await postGraphql(servers[0], member.token, SEND, { c: room.courseId, t: `write ${n++}` });
        }
        if (res.status !== 200 || res.body.includes('"errors"')) throw new Error(`${res.status}: ${res.body.slice(0, 160)}`);
        ok++;
        hist.record(Math.max(1, Math.round((now() - t) * 1000)));
      } catch (e) {
        errors++;
        problem(e.message);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, i) => worker(i)));
  for (const { s } of sockets) s.close();
  const seconds = (now() - start) / 1000;
  await waitGo(`drained ${op}`);
  eld.disable();
  const cpu = process.cpuUsage(cpu0);
  return {
    op, writers, ok, errors,
    perSecond: Math.round(ok / seconds),
    latencyMs: latency(hist),
    generator: { cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), eventLoopDelayP99Ms: +(eld.percentile(99) / 1e6).toFixed(1) },
  };
}

process.once("message", async ({ plan }) => {
  try {
    // write: each op in turn on the same server (sendMessage, then the `me` baseline).
    const reports = plan.mode === "write" ? [] : [await broadcast(plan)];
    for (const op of plan.mode === "write" ? plan.ops : []) reports.push(await writeLoad(plan, op));
    reports[0].problems = Object.fromEntries([...problems].slice(0, 20));
    send({ report: plan.mode === "write" ? reports : reports[0] });
  } catch (err) {
    console.error(err);
  }
  setTimeout(() => process.exit(0), 200);
});
