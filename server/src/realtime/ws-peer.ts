import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { Connection, FlowControl } from "./operations.js";
import type { Swept } from "./sweep.js";

/** A replaying stream waits while more than this is queued for the client. */
const FLOW_LOW_WATER_BYTES = 128 * 1024;
/** Every frame of an operation repeats its id: a client may not make them huge. */
export const MAX_OPERATION_ID_LENGTH = 128;

export const CloseCode = {
  BadRequest: 4400,
  Unauthorized: 4401,
  SubprotocolNotAcceptable: 4406,
  ConnectionInitTimeout: 4408,
  SubscriberAlreadyExists: 4409,
  TooManyInitialisationRequests: 4429,
  GoingAway: 1001,
} as const;

/** One subprotocol's reading and framing of a socket's messages. */
export interface WsCodec {
  receive(text: string): Promise<void>;
  /** Each keep-alive tick: the subprotocol's own keep-alive message, if it has one. */
  tick?(): void;
  /** The server ends the connection (a refused init, credentials that stopped counting, shutdown). */
  close(code: number, reason: string): void;
}

export interface PeerOptions {
  maxSocketBufferBytes: number;
  connectionInitTimeoutMs: number;
  logger: Logger;
}

let peers = 0;

/** A socket, its connection and its subprotocol's codec; one object per socket. */
export class Peer<P> implements FlowControl, Swept {
  connection!: Connection<P>;
  codec!: WsCodec;
  /** For the log lines of one socket (a counter: a UUID per socket costs memory at scale). */
  readonly id = ++peers;
  alive = true;
  initDeadline: number | null;

  constructor(
    readonly socket: WebSocket,
    readonly options: PeerOptions,
  ) {
    this.initDeadline = Date.now() + options.connectionInitTimeoutMs;
  }

  get closed(): boolean {
    return this.socket.readyState !== this.socket.OPEN;
  }

  writable(): Promise<void> | null {
    if (this.closed || this.socket.bufferedAmount < FLOW_LOW_WATER_BYTES) return null;
    return new Promise((resolve) => {
      const check = () => (this.closed || this.socket.bufferedAmount < FLOW_LOW_WATER_BYTES ? resolve() : setTimeout(check, 5));
      setTimeout(check, 5);
    });
  }

  send(text: string): void {
    if (this.closed) return;
    this.socket.send(text);
    // A client that stopped reading: cut it off instead of buffering for it without end.
    if (this.socket.bufferedAmount > this.options.maxSocketBufferBytes) {
      this.options.logger.warn({ buffered: this.socket.bufferedAmount }, "slow consumer disconnected");
      this.socket.terminate();
    }
  }

  initTimedOut(): void {
    this.socket.close(CloseCode.ConnectionInitTimeout, "Connection initialisation timeout");
  }

  violation(reason: string): void {
    this.options.logger.info({ reason }, "websocket protocol violation");
    this.socket.close(CloseCode.BadRequest, reason);
  }
}
