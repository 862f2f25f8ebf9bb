// A separate process of replaying subscribers, so that reading their frames loads this
// process and not the test that measures the server's latency meanwhile. Started with
// fork(url, token, courseId, after, count); reports {frames, inOrder, errors} on "report".
import WebSocket from "ws";

const [url, token, courseId, after, count] = process.argv.slice(2);
const query = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId message { id content } } }`;
const sockets = [];
const stats = { frames: 0, inOrder: true, errors: 0, closed: 0 };

for (let i = 0; i < Number(count); i++) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  let last = 0;
  ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
  ws.on("message", (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"connection_ack"')) {
      ws.send(JSON.stringify({ id: "r", type: "subscribe", payload: { query, variables: { id: courseId, after } } }));
      return;
    }
    if (text.includes('"type":"error"')) stats.errors++;
    const match = /"messageId":"(\d+)"/.exec(text);
    if (!match) return;
    const id = Number(match[1]);
    if (id <= last) stats.inOrder = false;
    last = id;
    stats.frames++;
  });
  ws.on("close", () => stats.closed++);
  sockets.push(ws);
}

process.on("message", (command) => {
  if (command === "report") process.send({ ...stats, min: stats.frames / Number(count) });
  if (command === "close") {
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.send({ ...stats, closedAll: true }), 100);
  }
});
