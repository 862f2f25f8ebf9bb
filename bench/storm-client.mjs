// One process of the connect storm (bench/connect-storm.mjs): opens all its sockets at once
// from its own loopback source address, each speaking graphql-transport-ws as the web client
// does (connection_init with its token, then its room's messageAdded subscription), and tells
// the parent when every subscribe frame is out and when every socket has had a delivery.
import WebSocket from "ws";
import { SUBSCRIPTION } from "./clients.mjs";

const problems = new Map();
const problem = (text) => problems.set(text, (problems.get(text) ?? 0) + 1);
const sockets = [];

process.on("message", (msg) => {
  if (msg.start) start(msg.start);
  else if (msg.status) process.send({ status: { unready: sockets.filter((s) => !s.delivered).length, problems: Object.fromEntries(problems) } });
  else if (msg.close) {
    for (const s of sockets) {
      s.expectClose = true;
      s.ws.terminate();
    }
    process.exit(0);
  }
});
process.send({ loaded: true });

function start({ url, localAddress, members }) {
  const wsUrl = url.replace(/^http/, "ws") + "/graphql";
  let pending = members.length;
  let failed = 0;
  let undelivered = members.length;
  const settled = (s, ok) => {
    if (s.settled) return;
    s.settled = true;
    if (!ok) failed++;
    if (--pending === 0) process.send({ subscribed: { sent: members.length - failed, failed } });
  };
  for (const { token, courseId } of members) {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws", { perMessageDeflate: false, localAddress });
    const s = { ws, settled: false, delivered: false, expectClose: false };
    sockets.push(s);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIPTION, variables: { c: courseId } } }));
        settled(s, true);
      } else if (msg.type === "ping") ws.send('{"type":"pong"}');
      else if (msg.type === "next" && msg.id === "1" && msg.payload?.data?.messageAdded) {
        if (s.delivered) return;
        s.delivered = true;
        if (--undelivered === 0) process.send({ delivered: true });
      } else problem(`${msg.type}: ${JSON.stringify(msg.payload ?? "").slice(0, 200)}`);
    });
    ws.on("error", (err) => {
      problem(`socket error: ${err.message}`);
      settled(s, false);
    });
    ws.on("close", (code) => {
      if (!s.expectClose) problem(`socket closed: ${code}`);
      settled(s, false);
    });
  }
}
