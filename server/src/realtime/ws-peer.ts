import type { Duplex } from "node:stream";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { Connection, ConnectionTransport, FlowControl, OperationSink } from "./operations.js";
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

/**
 * Frames to one socket within one turn of the event loop leave together when the server is
 * busy. A busy server fans several room events out in one turn; a write per frame is one
 * system call, half of its time. So once a socket gets a second frame in a turn, it is held
 * corked until the turn ends; and while turns keep doing that, sockets are corked from their
 * first frame of a turn, so each gets one system call per turn. A quiet server (one event per
 * turn) sends every frame at once, as before.
 */
let turn = 0;
let turnEnding = false;
/** Some socket got two frames in the last turn (busy), or has in this one. */
let busy = false;
let busyNow = false;
const corked: Duplex[] = [];

function endTurn(): void {
  turn++;
  turnEnding = false;
  busy = busyNow;
  busyNow = false;
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}

/**
 * A socket, its connection and its subprotocol's codec; one object per socket. It is its
 * connection's transport itself: a separate object and closure per socket cost memory at scale.
 */
export class Peer<P> implements ConnectionTransport, FlowControl, Swept {
  connection!: Connection<P>;
  codec!: WsCodec;
  /** For the log lines of one socket (a counter: a UUID per socket costs memory at scale). */
  readonly id = ++peers;
  alive = true;
  /** The turn this socket was last written in, and the turn it was corked in (see endTurn). */
  private writtenIn = -1;
  private corkedIn = -1;
  initDeadline: number | null;

  constructor(
    readonly socket: WebSocket,
    readonly options: PeerOptions,
    /** The connection under `socket` (the upgrade request's). */
    private readonly raw?: Duplex,
  ) {
    this.initDeadline = Date.now() + options.connectionInitTimeoutMs;
  }

  get closed(): boolean {
    return this.socket.readyState !== this.socket.OPEN;
  }

  get flow(): FlowControl {
    return this;
  }

  /** The connection ends it from the server's side: framed as its subprotocol says. */
  close(code: number, reason: string): void {
    this.codec.close(code, reason);
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
    if (this.raw) this.batch(this.raw);
    this.socket.send(text);
    // A client that stopped reading: cut it off instead of buffering for it without end.
    if (this.socket.bufferedAmount > this.options.maxSocketBufferBytes) {
      this.options.logger.warn({ buffered: this.socket.bufferedAmount }, "slow consumer disconnected");
      this.socket.terminate();
    }
  }

  private batch(raw: Duplex): void {
    if (this.writtenIn !== turn) {
      this.writtenIn = turn;
      if (!turnEnding) {
        turnEnding = true;
        setImmediate(endTurn);
      }
      if (!busy) return;
    } else busyNow = true;
    if (this.corkedIn === turn) return;
    this.corkedIn = turn;
    raw.cork();
    corked.push(raw);
  }

  initTimedOut(): void {
    this.socket.close(CloseCode.ConnectionInitTimeout, "Connection initialisation timeout");
  }

  violation(reason: string): void {
    this.options.logger.info({ reason }, "websocket protocol violation");
    this.socket.close(CloseCode.BadRequest, reason);
  }
}

/** How a WebSocket protocol frames an operation's results: one shared object per protocol. */
export interface OperationFrames {
  /** The type of a result frame ("next", or the legacy protocol's "data"). */
  data: string;
  /** What an error frame carries. */
  errorPayload(errors: readonly GraphQLFormattedError[]): unknown;
}

/** One operation's frames: an object with methods rather than three closures per operation. */
export class FrameSink implements OperationSink {
  private readonly quoted: string;

  constructor(
    private readonly peer: Pick<Peer<unknown>, "send">,
    id: string,
    private readonly frames: OperationFrames,
  ) {
    this.quoted = JSON.stringify(id);
  }

  next(payload: string): void {
    this.peer.send(`{"id":${this.quoted},"type":"${this.frames.data}","payload":${payload}}`);
  }

  error(errors: readonly GraphQLFormattedError[]): void {
    this.peer.send(`{"id":${this.quoted},"type":"error","payload":${JSON.stringify(this.frames.errorPayload(errors))}}`);
  }

  complete(): void {
    this.peer.send(`{"id":${this.quoted},"type":"complete"}`);
  }
}
