import { invalidUtf8, type RawSocket, type Rng } from "./hostile.js";

export const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id content } }`;
export const COURSES = `{ courses { id title } }`;
export const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
export const MAX_CHARS = 4000;

export interface Target {
  url: string;
  token: string;
  roomId: string;
  otherRoomId: string;
  bodyLimit: number;
  frameLimit: number;
}

/** What the contract says becomes of a content: stored trimmed, or refused. */
export function verdict(content: string): "stored" | "BAD_USER_INPUT" {
  const trimmed = content.trim();
  const length = [...trimmed].length;
  return length >= 1 && length <= MAX_CHARS && !/\p{Cs}/u.test(trimmed) && !trimmed.includes("\u0000") ? "stored" : "BAD_USER_INPUT";
}

const pieces = [
  "hello", "ok", " ", "\n", "\t", "😀", "e\u0301", "漢字", "\u202eevil", "<script>alert(1)</script>", "'; drop table messages; --",
  '"}]}', "\\", "\u00a0", "\u2028", "\ufeff", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\ud800", "\udfff", "\udbff\udfff", "\u0000",
];

/** A message content, hostile more often than not. */
export function content(rng: Rng): string {
  const kind = rng.int(0, 9);
  if (kind === 0) {
    const body = rng.pick(["x", "😀", "é"]).repeat(rng.pick([3999, 4000, 4001]));
    return rng.chance(0.5) ? `  ${body}\n` : body;
  }
  if (kind === 1) return rng.pick(["", " ", "\t\n\r", "\u00a0\u2028\ufeff"]);
  if (kind === 2) return "m".repeat(1_000_000);
  return Array.from({ length: rng.int(1, 8) }, () => rng.pick(pieces)).join("");
}

export interface HttpCase {
  name: string;
  method?: string;
  /** Appended to /graphql. */
  search?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The statuses this case may get (default: any below 500). */
  status?: number[];
  /** Its errors may carry only these codes, and there must be errors. */
  codes?: string[];
  /** A send by a member whose outcome is known. */
  content?: string;
}

const json = { "content-type": "application/json" };

/** Cases a fuzz run draws from: each a malformed or hostile request and what it must get. */
export function httpCase(rng: Rng, t: Target): HttpCase {
  const auth = { ...json, authorization: `Bearer ${t.token}` };
  const sendBody = (c: string, id = t.roomId) => JSON.stringify({ query: SEND, variables: { id, c } });
  const sized = (body: string | Buffer, status: number[], codes?: string[]) =>
    Buffer.byteLength(body) > t.bodyLimit ? { body, status: [413], codes: ["BAD_USER_INPUT"] } : { body, status, ...(codes ? { codes } : {}) };
  const bad = (body: string | Buffer) => sized(body, [400], ["BAD_USER_INPUT"]);
  const c = content(rng);
  switch (rng.int(0, 18)) {
    case 0:
    case 1: {
      const body = sendBody(c);
      return Buffer.byteLength(body) > t.bodyLimit ? { name: "send", headers: auth, ...sized(body, []) } : { name: "send", headers: auth, body, content: c };
    }
    case 2: {
      const id = rng.pick([t.otherRoomId, "0", "-1", "abc", "9".repeat(40), "", "1e9", " 1"]);
      return { name: "send to no room of hers", headers: auth, ...sized(sendBody(c.slice(0, 100), id), [200, 400], ["FORBIDDEN", "BAD_USER_INPUT"]) };
    }
    case 3: {
      const body = sendBody("x");
      return { name: "truncated JSON", headers: auth, ...bad(body.slice(0, rng.int(1, body.length - 1))) };
    }
    case 4:
      return { name: "trailing garbage", headers: auth, ...bad(`${sendBody("x")}x${rng.bytes(rng.int(0, 20)).toString("base64")}`) };
    case 5: {
      const depth = rng.pick([1000, 50_000, 100_000]);
      const open = rng.pick(["[", '{"a":']);
      return { name: `nesting ${depth} deep`, headers: auth, ...bad(open.repeat(depth)) };
    }
    case 6: {
      const depth = rng.int(100, 40_000);
      const body = `{"query":"${COURSES}","variables":{"deep":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
      return { name: "deep variables", headers: auth, ...sized(body, [200]) };
    }
    case 7: {
      const number = rng.pick(["1e99999", "-1e99999", "1".repeat(5000), "-0", "1e-99999", "0.0000000000000000000001"]);
      return { name: "huge number", headers: auth, ...sized(`{"query":${JSON.stringify(SEND)},"variables":{"id":${number},"c":"x"}}`, [200, 400], ["BAD_USER_INPUT", "FORBIDDEN"]) };
    }
    case 8:
      return { name: "duplicate keys, last wins", headers: auth, body: `{"query":"${COURSES}","query":${JSON.stringify(SEND)},"variables":{"id":"${t.roomId}","c":"first","c":${JSON.stringify(c.slice(0, 50))}}}`, content: c.slice(0, 50) };
    case 9:
      return { name: "byte order mark", headers: auth, body: `\ufeff${sendBody(c.slice(0, 50))}`, content: c.slice(0, 50) };
    case 10: {
      const body = Buffer.from(sendBody("with a NUL"));
      const at = rng.int(0, body.length);
      return { name: "raw NUL byte", headers: auth, ...bad(Buffer.concat([body.subarray(0, at), Buffer.from([0]), body.subarray(at)])) };
    }
    case 11: {
      const [head, tail] = sendBody("before MARK after").split("MARK") as [string, string];
      const inside = rng.chance(0.7);
      const at = inside ? head.length : rng.int(0, head.length);
      const text = head + tail;
      const body = Buffer.concat([Buffer.from(text.slice(0, at)), rng.pick(invalidUtf8), Buffer.from(text.slice(at))]);
      return { name: inside ? "invalid UTF-8 in content" : "invalid UTF-8 in body", headers: auth, ...bad(body) };
    }
    case 12: {
      const type = rng.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/graphql", "application/json; charset=latin1", "application/json; charset=utf-16"]);
      return { name: `content-type ${type}`, headers: { "content-type": type, authorization: auth.authorization }, ...sized(sendBody("csrf"), [400, 415], ["BAD_USER_INPUT"]) };
    }
    case 13:
      return { name: "batch", headers: auth, ...bad(JSON.stringify([JSON.parse(sendBody("batched")), JSON.parse(sendBody("batched too"))])) };
    case 14: {
      const junk = Array.from({ length: rng.int(1, 12) }, () =>
        rng.pick(["query=", "variables=", "extensions=", "%", "%ff", "%00", "%7B", "%22", "&", "=", "%G1", "+", "mutation", "{", "__schema", "%ED%A0%80"]),
      ).join("");
      const headers: Record<string, string> = rng.chance(0.5) ? { "apollo-require-preflight": "1" } : {};
      return { name: "GET with a garbage query string", method: "GET", search: `?${junk}`, headers };
    }
    case 15: {
      const size = rng.pick([t.bodyLimit - 400 - rng.int(0, 1000), t.bodyLimit + rng.int(1, 1000), rng.int(2, 4) * 1024 * 1024]);
      return { name: `variables of ${size} bytes`, headers: auth, ...sized(sendBody("y".repeat(Math.max(0, size))), [200], ["BAD_USER_INPUT"]) };
    }
    case 16: {
      const valid = Buffer.from(rng.chance(0.7) ? sendBody(`flip ${rng.int(0, 1e6)}`) : JSON.stringify({ query: COURSES }));
      return { name: "bytes flipped", headers: auth, body: rng.flip(valid, rng.int(1, 4)) };
    }
    case 17: {
      const path = rng.pick(["%", "x", "%ff", "/%", "/..%2f..%2fetc%2fpasswd", "%00"]);
      const method = rng.pick(["GET", "POST", "PUT"]);
      return { name: "a path next to /graphql", method, search: path, headers: auth, ...(method === "GET" ? {} : { body: sendBody("lost") }) };
    }
    default: {
      const body = rng.pick([
        { query: 5 }, { query: ["x"] }, { query: null, variables: "x" }, { query: COURSES, variables: [1] }, { query: COURSES, operationName: 5 },
        { query: COURSES, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } },
        { extensions: { persistedQuery: { version: rng.int(0, 3), sha256Hash: rng.bytes(8).toString("hex") } } },
        { query: "{".repeat(rng.int(1, 5000)) }, { query: `{ courses { ${"owner { courses { ".repeat(20)} id ${"} } ".repeat(20)} } }` },
      ]);
      return { name: `wrong shape ${JSON.stringify(body).slice(0, 60)}`, headers: auth, body: JSON.stringify(body) };
    }
  }
}

export interface WsAction {
  name: string;
  run(s: RawSocket): void;
  /** The operation it starts, to wait for its end. */
  id?: string;
  /** A sendMessage: its results count as acknowledged sends. */
  sends?: boolean;
  /** A send by a member whose outcome is known. */
  content?: string;
  /** The socket must close with one of these; undefined: it must stay open; null: either. */
  close?: number[] | null;
}

let nextId = 0;

/** One frame (or two) a client should never send, and what graphql-ws must answer. */
export function wsAction(rng: Rng, t: Target, acknowledged: boolean): WsAction {
  const id = `op${++nextId}`;
  const init = { type: "connection_init", payload: { authorization: `Bearer ${t.token}` } };
  const sub = (opId: string, query: string, variables: Record<string, unknown> = {}) => ({ id: opId, type: "subscribe", payload: { query, variables } });
  const sized = (frame: string, action: WsAction): WsAction =>
    Buffer.byteLength(frame) > t.frameLimit ? { name: action.name, run: (s) => s.text(frame), close: [1009] } : { ...action, run: (s) => s.text(frame) };
  const common: (() => WsAction)[] = [
    () => ({ name: "binary garbage", run: (s) => s.binary(Buffer.concat([Buffer.from("\u0001"), rng.bytes(rng.int(0, 64))])), close: [4400] }),
    () => ({ name: "not JSON", run: (s) => s.text(`hello{${rng.int(0, 1e6)}`), close: [4400] }),
    () => ({ name: "JSON but not an object", run: (s) => s.text(rng.pick(["[1,2]", "42", "null", '"str"', "true", "[".repeat(100_000)])), close: [4400] }),
    () => ({ name: "invalid UTF-8 text frame", run: (s) => s.text(Buffer.concat([Buffer.from('{"type":"'), rng.pick(invalidUtf8), Buffer.from('"}')])), close: [1007] }),
    () => ({ name: "oversized frame", run: (s) => s.text(JSON.stringify(sub(id, COURSES, { pad: "p".repeat(t.frameLimit + 1) }))), close: [1009] }),
    () => ({ name: "unknown type", run: (s) => s.json({ type: rng.pick(["wat", "start", "stop", "connection_terminate", "SUBSCRIBE", ""]) }), close: [4400] }),
  ];
  if (!acknowledged) {
    return rng.pick<() => WsAction>([
      ...common,
      () => ({ name: "subscribe before connection_init", run: (s) => s.json(sub(id, SEND, { id: t.roomId, c: "too soon" })), close: [4401] }),
      () => ({ name: "init with a bad token", run: (s) => s.json({ type: "connection_init", payload: { authorization: rng.pick(["Bearer x.y.z", "garbage", 5, ""]) } }), close: [4401] }),
      () => ({ name: "init with a payload of the wrong type", run: (s) => s.json({ type: "connection_init", payload: rng.pick(["str", 5, [1]]) }), close: [4400] }),
    ])();
  }
  return rng.pick<() => WsAction>([
    ...common,
    () => ({ name: "duplicate connection_init", run: (s) => s.json(init), close: [4429] }),
    () => ({ name: "subscribe without a usable id", run: (s) => s.json({ ...sub(id, COURSES), id: rng.pick([undefined, "", 5, null, ["x"]]) }), close: [4400] }),
    () => ({ name: "payload of the wrong type", run: (s) => s.json({ id, type: "subscribe", payload: rng.pick(["x", 5, { query: 5 }, { query: COURSES, variables: [1] }, { query: COURSES, operationName: 5 }, { query: COURSES, extensions: "x" }]) }), close: [4400] }),
    () => {
      const dup = `dup${id}`;
      return { name: "duplicate subscriber id", run: (s) => { s.json(sub(dup, ADDED, { id: t.roomId })); s.json(sub(dup, ADDED, { id: t.roomId })); }, close: [4409] };
    },
    () => {
      const name = rng.pick(["constructor", "toString", "__proto__", "hasOwnProperty"]);
      return { name: "id naming a prototype member", id: name, run: (s) => s.json(sub(name, COURSES)) };
    },
    // A server-to-client message type from a client is a protocol violation: 4400, one log line.
    () => ({ name: "server-only message type", run: (s) => s.json(rng.pick([{ type: "connection_ack" }, { type: "next", id, payload: {} }, { type: "error", id, payload: [{ message: "x" }] }, { type: "next", id }])), close: [4400] }),
    () => ({ name: "complete for an unknown id", run: (s) => s.json({ type: "complete", id: `never${id}` }) }),
    () => ({ name: "ping and pong", run: (s) => { s.json({ type: "pong", payload: { x: 1 } }); s.json({ type: "ping", payload: { y: 2 } }); } }),
    () => {
      const huge = "i".repeat(Math.min(200_000, t.frameLimit - 1000));
      // Every frame of an operation repeats its id: a huge one is refused (4400), not echoed back.
      return { name: "id of huge length", id: huge, run: (s) => s.json(sub(huge, COURSES)), close: [4400] };
    },
    () => {
      const c = content(rng);
      const frame = JSON.stringify(sub(id, SEND, { id: t.roomId, c }));
      return sized(frame, { name: "send", id, sends: true, content: c, run: () => undefined });
    },
    () => {
      const size = rng.pick([t.frameLimit - 400 - rng.int(0, 1000), t.frameLimit + rng.int(1, 1000)]);
      const c = "v".repeat(size);
      return sized(JSON.stringify(sub(id, SEND, { id: t.roomId, c })), { name: `variables of ${size} bytes`, id, sends: true, content: c, run: () => undefined });
    },
    () => {
      const query = [...SEND].map((ch) => (rng.chance(0.03) ? String.fromCharCode(rng.int(0, 0xffff)) : ch)).join("");
      return { name: "mutated send document", id, sends: true, run: (s) => s.json(sub(id, query, { id: t.roomId, c: `mutated ${id}` })) };
    },
    () => ({ name: "bytes flipped in a frame", run: (s) => s.text(rng.flip(Buffer.from(JSON.stringify(sub(id, COURSES))), rng.int(1, 3))), close: null }),
  ])();
}
