import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { KeepAlive } from "./keep-alive.js";
import type { OperationHost } from "./operations.js";
import type { DeadlineSweep } from "./sweep.js";
import { TRANSPORT_WS, TransportWsCodec } from "./ws-graphql-transport-ws.js";
import { LEGACY_WS, LegacyWsCodec } from "./ws-legacy.js";
import { CloseCode, Peer } from "./ws-peer.js";

export { TRANSPORT_WS } from "./ws-graphql-transport-ws.js";
export { LEGACY_WS } from "./ws-legacy.js";
export { CloseCode } from "./ws-peer.js";

/** The subprotocols spoken at the WebSocket path, in the order of preference. */
export const SUBPROTOCOLS = [TRANSPORT_WS, LEGACY_WS] as const;
const NOT_ACCEPTABLE = `Subprotocol not acceptable: use ${SUBPROTOCOLS.join(" or ")}`;

export interface WebSocketTransportOptions<P> {
  httpServer: Server;
  path: string;
  host: OperationHost<P>;
  sweep: DeadlineSweep;
  isOriginAllowed: (origin: string | undefined) => boolean;
  clientAddress: (request: IncomingMessage) => string | undefined;
  maxFrameBytes: number;
  connectionInitTimeoutMs: number;
  maxSocketBufferBytes: number;
  logger: Logger;
  onOpen?: () => void;
  onClose?: () => void;
  keepAliveMs?: number;
}

/** The subprotocols a client offers (Sec-WebSocket-Protocol), as ws reads them. */
function offered(request: IncomingMessage): string[] {
  const header = request.headers["sec-websocket-protocol"];
  return header ? header.split(",").map((p) => p.trim()).filter(Boolean) : [];
}

/**
 * GraphQL over WebSocket on `ws`, sharing the HTTP server's port and path, over the
 * transport-neutral OperationHost: graphql-transport-ws, or the legacy graphql-ws subprotocol
 * (subscriptions-transport-ws), chosen by what the client offers. One timer pings every
 * socket, a slice at a time; the shared sweep keeps their deadlines.
 */
export function attachWebSocketTransport<P>(options: WebSocketTransportOptions<P>) {
  const { host, logger, sweep } = options;
  // An oversized frame closes the socket with 1009 (ws enforces maxPayload).
  // `peers` tracks the sockets: ws' own client set would cost a set entry and a close
  // listener more per socket.
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false,
  });
  const peers = new Map<WebSocket, Peer<P>>();
  /** Resolves `close()`'s wait once the last socket has gone. */
  let drained: (() => void) | null = null;

  // Once an interval per socket: one that has not answered the previous ping is gone; ping the rest.
  const keepAlive = new KeepAlive(
    () => peers.values(),
    options.keepAliveMs ?? 12_000,
    (peer) => {
      if (peer.closed) return;
      if (!peer.alive) {
        peer.socket.terminate();
        return;
      }
      peer.alive = false;
      peer.socket.ping();
      peer.codec.tick?.();
    },
  );

  // One set of listeners for every socket (`this` is the socket), not closures per socket.
  function onPong(this: WebSocket): void {
    const peer = peers.get(this);
    if (peer) peer.alive = true;
  }
  // ws reports a broken frame (too big: 1009, invalid UTF-8: 1007, bad framing: 1002) here and closes the socket itself.
  function onError(err: Error & { code?: string }): void {
    logger.info({ code: err.code, reason: err.message }, "websocket protocol error");
  }
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const peer = peers.get(this);
    if (!peer) return;
    if (isBinary) return this.close(CloseCode.BadRequest, "Messages must be text frames");
    peer.codec.receive(String(data)).catch((err: unknown) => {
      logger.error({ err }, "websocket message handling failed");
      peer.socket.close(1011, "Internal server error");
    });
  }
  // ws emits close once per socket; the lookup makes a second one harmless all the same.
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const peer = peers.get(this);
    if (!peer) return;
    peers.delete(this);
    sweep.delete(peer);
    peer.connection.closed();
    options.onClose?.();
    logger.info({ connectionId: peer.id, userId: peer.connection.userKey, code, reason: String(reason) }, "websocket closed");
    if (peers.size === 0) drained?.();
  }

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    const peer = new Peer<P>(socket, options, request.socket);
    peer.codec = socket.protocol === LEGACY_WS ? new LegacyWsCodec(peer) : new TransportWsCodec(peer);
    peer.connection = host.connection(peer, options.clientAddress(request));
    peers.set(socket, peer);
    sweep.add(peer);
    options.onOpen?.();
    if (socket.protocol !== TRANSPORT_WS && socket.protocol !== LEGACY_WS) {
      socket.close(CloseCode.SubprotocolNotAcceptable, NOT_ACCEPTABLE);
    }
    socket.on("pong", onPong);
    socket.on("error", onError);
    socket.on("message", onMessage);
    socket.on("close", onClose);
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== options.path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    // Cross-site WebSocket hijacking and DNS rebinding: browsers always send Origin, and only
    // the configured origins may open a socket (an Origin equal to the Host proves nothing).
    if (!options.isOriginAllowed(request.headers.origin)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    // A client that offers only subprotocols we do not speak would fail the handshake on its
    // side (no protocol echoed) without ever reading a close code: say so in the answer.
    const protocols = offered(request);
    if (protocols.length > 0 && !protocols.some((p) => (SUBPROTOCOLS as readonly string[]).includes(p))) {
      const body = `${NOT_ACCEPTABLE}.\n`;
      socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  options.httpServer.on("upgrade", onUpgrade);

  return {
    /**
     * Closes every socket with 1001 so clients reconnect elsewhere. A client that does not
     * answer the closing handshake within a second is cut off, so shutdown never waits on it.
     */
    async close(): Promise<void> {
      options.httpServer.off("upgrade", onUpgrade);
      keepAlive.stop();
      // Refuses upgrades still under way (503).
      wss.close();
      const closed = peers.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      const sockets = [...peers.values()];
      for (const peer of sockets) peer.codec.close(CloseCode.GoingAway, "Going away");
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      for (const { socket } of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
      await closed;
    },
  };
}
