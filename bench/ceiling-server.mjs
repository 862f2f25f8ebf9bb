// The ceiling: a plain `ws` broadcast server with no GraphQL, no auth and no database. Whatever
// one socket sends is sent, as the same buffer, to every other socket. Educa Chat's delivery rate
// is quoted as a fraction of this one, measured on the same machine under the same load.
import { WebSocketServer } from "ws";

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false });

wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    for (const other of wss.clients) {
      if (other !== socket && other.readyState === 1) other.send(data, { binary: isBinary });
    }
  });
});
wss.on("listening", () => process.stdout.write(`listening ${port}\n`));
process.on("SIGTERM", () => wss.close(() => process.exit(0)));
