// Load-generator clients: a raw `ws` subscriber speaking graphql-transport-ws (lighter than the
// graphql-ws client for thousands of sockets), the ceiling's plain socket, and an HTTP poster.
import http from "node:http";
import WebSocket from "ws";

export const SUBSCRIPTION =
  "subscription($c: ID!, $after: ID) { messageAdded(courseId: $c, after: $after) { id content sentOn user { id } } }";
// Fast path for the common frame; fields come in selection order, so the layout is fixed.
const EDUCA_NEXT = /"messageAdded":\{"id":"(\d+)","content":"\{\\"t\\":([\d.]+),\\"seq\\":(\d+)\}"/;
// The mixed scenario follows the room's timeline: every kind of event, in cursor order.
const EVENTS_SUBSCRIPTION =
  "subscription($c: ID!, $after: ID) { roomEvents(courseId: $c, after: $after) { cursor kind messageId message { content } } }";
const EVENTS_NEXT = /"roomEvents":\{"cursor":"(\d+)","kind":"(\w+)","messageId":"(\d+)","message":(?:null|\{"content":"(?:\{\\"t\\":([\d.]+),\\"seq\\":(\d+)\}|[^"]*)"\})/;
const CEILING_NEXT = /^\{"t":([\d.]+),"seq":(\d+)\}$/;
const PRESENCE_SUBSCRIPTION = "subscription($c: ID!) { presenceUpdates(courseId: $c) { kind user { id username } counts { online students staff } } }";
/** As the web client follows presence: the opening list, then joins and leaves gathered once a second. */
const PRESENCE_BATCHED_SUBSCRIPTION =
  "subscription($c: ID!) { presenceUpdates(courseId: $c, withCurrent: true, batched: true) { kind user { id username } online { id username } joined { id username } left { id username } counts { online students staff } } }";
const TYPING_SUBSCRIPTION = "subscription($c: ID!) { typingUpdates(courseId: $c) { user { id username } typing } }";
const TYPING = "mutation($c: ID!) { typing(courseId: $c) }";

export const now = () => performance.timeOrigin + performance.now();

/**
 * One subscriber. `onEvent(id, seq, t)` gets every delivery: seq is null for a warm-up message,
 * `t` the sender's timestamp. With `events`, it follows `roomEvents` (id: the event's cursor)
 * and `events(kind, messageId, seq, t)` names the seq and time of an event whose message content
 * does not carry them (a reaction: the content is the reacted-to message's). Resolves `opened` once the subscribe frame is sent (Educa Chat)
 * or the socket is open (ceiling); the server gives no ack for a subscription, hence warm-ups.
 */
export function subscriber({ target, url, token, courseId, after, onEvent, onProblem, events, awareness }) {
  const wsUrl = url.replace(/^http/, "ws") + (target === "ceiling" ? "/" : "/graphql");
  const ws = target === "ceiling" ? new WebSocket(wsUrl, { perMessageDeflate: false }) : new WebSocket(wsUrl, "graphql-transport-ws", { perMessageDeflate: false });
  let settled = false;
  const opened = new Promise((resolve) => {
    const done = (ok) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    ws.on("open", () => {
      if (target === "ceiling") return done(true);
      ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
    });
    ws.on("message", (data) => {
      const text = data.toString();
      if (target === "ceiling") {
        const m = CEILING_NEXT.exec(text);
        if (m) onEvent(Number(m[2]), Number(m[2]), Number(m[1]));
        else onEvent(null, null, null); // warm-up
        return;
      }
      if (events) {
        const e = EVENTS_NEXT.exec(text);
        if (e) {
          const [seq, t] = e[5] && e[2] !== "ReactionsChanged" ? [Number(e[5]), Number(e[4])] : events(e[2], Number(e[3]));
          return onEvent(Number(e[1]), seq, t);
        }
      } else {
        const m = EDUCA_NEXT.exec(text);
        if (m) return onEvent(Number(m[1]), Number(m[3]), Number(m[2]));
      }
      const msg = JSON.parse(text);
      if (msg.type === "connection_ack") {
        const variables = after ? { c: courseId, after: String(after) } : { c: courseId };
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: events ? EVENTS_SUBSCRIPTION : SUBSCRIPTION, variables } }));
        // The awareness load: who is here and who is typing, on the same socket, as the web client does.
        if (awareness) {
          ws.send(JSON.stringify({ id: "p", type: "subscribe", payload: { query: awareness.batched ? PRESENCE_BATCHED_SUBSCRIPTION : PRESENCE_SUBSCRIPTION, variables: { c: courseId } } }));
          ws.send(JSON.stringify({ id: "y", type: "subscribe", payload: { query: TYPING_SUBSCRIPTION, variables: { c: courseId } } }));
        }
        done(true);
      } else if (msg.type === "ping") ws.send('{"type":"pong"}');
      else if (msg.type === "next" && (msg.payload?.data?.messageAdded || msg.payload?.data?.roomEvents)) {
        onEvent(Number(msg.payload.data.messageAdded?.id ?? msg.payload.data.roomEvents.cursor), null, null); // warm-up
      } else if (awareness && msg.id !== "1" && (msg.type === "next" || msg.type === "complete")) {
        if (msg.payload?.errors) onProblem(`${msg.id}: ${JSON.stringify(msg.payload.errors).slice(0, 200)}`);
        else if (msg.type === "next") awareness.frames++;
      } else if (msg.type !== "pong") onProblem(`${msg.type}: ${JSON.stringify(msg.payload ?? "").slice(0, 200)}`);
    });
    ws.on("error", (err) => {
      onProblem(`socket error: ${err.message}`);
      done(false);
    });
    ws.on("close", (code) => {
      if (!ws.expectClose) onProblem(`socket closed: ${code}`);
      done(false);
    });
  });
  let typed = 0;
  return {
    ws,
    opened,
    close: () => ((ws.expectClose = true), ws.terminate()),
    /** One typing renewal over the socket (its answer is counted as an awareness frame). */
    typing: () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ id: `t${typed++}`, type: "subscribe", payload: { query: TYPING, variables: { c: courseId } } })),
  };
}

/** The ceiling's sender: a socket whose frames the ceiling server broadcasts. */
export function ceilingSender(url) {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/", { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ send: async (content) => (ws.send(content), null), close: () => ws.terminate() }));
    ws.on("error", reject);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POST /graphql; resolves { status, body }. Plain node:http keeps the generator's cost low. */
export function postGraphql(url, token, query, variables) {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/graphql`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

export const SEND = "mutation($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }";
const EDIT = "mutation($m: ID!, $t: String!) { editMessage(messageId: $m, content: $t) { id } }";
const REACT = "mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }";
export const ME = "{ me { id } }";

/** Educa Chat's sender: sendMessage over HTTP; resolves the stored id, or throws. */
export function educaSender(url, token, courseId) {
  return {
    async send(content) {
      const { status, body } = await postGraphql(url, token, SEND, { c: courseId, t: content });
      const id = /"sendMessage":\{"id":"(\d+)"/.exec(body)?.[1];
      if (status !== 200 || !id) throw new Error(`sendMessage ${status}: ${body.slice(0, 200)}`);
      return Number(id);
    },
    /** Edits (content) or reacts to (emoji) a stored message; resolves its id, or throws. */
    async change(messageId, { content, emoji }) {
      const [query, variables] = content ? [EDIT, { m: String(messageId), t: content }] : [REACT, { m: String(messageId), e: emoji }];
      const { status, body } = await postGraphql(url, token, query, variables);
      if (status !== 200 || body.includes('"errors"')) throw new Error(`${content ? "editMessage" : "addReaction"} ${status}: ${body.slice(0, 200)}`);
      return messageId;
    },
    close() {},
  };
}

/** Runs `tasks` (functions returning promises) with at most `limit` in flight. */
export async function pool(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/**
 * Queries and mutations over one authenticated graphql-transport-ws socket, as a client with
 * its room open sends them. `request` resolves { status: 200, body } like postGraphql, with the
 * body the `next` payload's JSON (an `error` frame becomes an `errors` body).
 */
export async function socketOperator(url, token) {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws", { perMessageDeflate: false });
  const pending = new Map();
  let nextId = 1;
  await new Promise((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    ws.on("error", reject);
    ws.on("close", (code) => {
      reject(new Error(`socket closed: ${code}`));
      for (const p of pending.values()) p.reject(new Error(`socket closed: ${code}`));
    });
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === "connection_ack") return resolve();
      if (msg.type === "ping") return ws.send('{"type":"pong"}');
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.type === "next") p.body = JSON.stringify(msg.payload);
      else if (msg.type === "error") p.body = JSON.stringify({ errors: msg.payload });
      else if (msg.type === "complete") {
        pending.delete(msg.id);
        p.resolve({ status: 200, body: p.body ?? "" });
      }
    });
  });
  return {
    request(query, variables) {
      const id = String(nextId++);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, body: null });
        ws.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
      });
    },
    close: () => ws.terminate(),
  };
}
