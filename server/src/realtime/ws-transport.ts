import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { Logger } from "pino";
import type { WebSocket, WebSocketServer } from "ws";

/** What every graphql-ws hook sees of the transport (`ctx.extra`). */
export interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage | undefined;
}

const ALIVE = Symbol("alive");
type TrackedSocket = WebSocket & { [ALIVE]?: boolean };

/** A client-caused protocol violation graphql-ws reports by throwing (a server-only message type). */
const isProtocolViolation = (err: unknown) => err instanceof Error && /^Unexpected message/.test(err.message);

/**
 * graphql-ws on `ws`, in place of graphql-ws' own `useServer`, for three reasons: one
 * keep-alive timer for all sockets rather than an interval and a timeout per socket; a
 * client's protocol violation closes its socket with 4400 and one log line, never a stack
 * trace on stderr and a 4500; and frames must be text, as the protocol says.
 */
export function serveGraphqlWs<E extends SocketExtra>(
  options: ServerOptions<Record<string, unknown> | undefined, E>,
  wss: WebSocketServer,
  logger: Logger,
  keepAliveMs = 12_000,
  extraFor: (socket: WebSocket, request: IncomingMessage) => E = (socket, request) => ({ socket, request }) as E,
) {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;

  // Every tick: a socket that has not answered the previous ping is gone; ping the rest.
  const keepAlive = setInterval(() => {
    for (const socket of wss.clients as Set<TrackedSocket>) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket[ALIVE] === false) {
        socket.terminate();
        continue;
      }
      socket[ALIVE] = false;
      socket.ping();
    }
  }, keepAliveMs);
  keepAlive.unref();

  wss.on("connection", (socket: TrackedSocket, request: IncomingMessage) => {
    socket[ALIVE] = true;
    socket.on("pong", () => (socket[ALIVE] = true));
    // ws reports a broken frame (too big: 1009, invalid UTF-8: 1007, bad framing: 1002) here and closes the socket itself.
    socket.on("error", (err: Error & { code?: string }) => logger.info({ code: err.code, reason: err.message }, "websocket protocol error"));
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data, isBinary) => {
            if (isBinary) {
              socket.close(CloseCode.BadRequest, "Messages must be text frames");
              return;
            }
            handle(String(data)).catch((err: unknown) => {
              if (isProtocolViolation(err)) {
                logger.info({ reason: (err as Error).message }, "websocket protocol violation");
                socket.close(CloseCode.BadRequest, "Invalid message received");
              } else {
                logger.error({ err }, "websocket message handling failed");
                socket.close(CloseCode.InternalServerError, "Internal server error");
              }
            });
          }),
      },
      extraFor(socket, request),
    );
    socket.once("close", (code, reason) => void closed(code, String(reason)));
  });

  return {
    /** Closes every socket with 1001 and then the server. */
    async dispose() {
      clearInterval(keepAlive);
      for (const socket of wss.clients) socket.close(1001, "Going away");
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
