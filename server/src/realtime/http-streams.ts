import type { IncomingMessage } from "node:http";
import type { Request, Response } from "express";
import { getOperationAST, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { ErrorCode } from "../errors.js";
import type { HttpStreamingTransport } from "../http-subscriptions.js";
import { closeError } from "./close-errors.js";
import type { Connection, FlowControl, OperationHost, OperationRequest, OperationSink } from "./operations.js";
import type { StreamFraming } from "./stream-framings.js";
import { KeepAlive, type KeptAlive } from "./keep-alive.js";
import type { DeadlineSweep, Swept } from "./sweep.js";

/** A replaying stream waits while more than this is queued for the client. */
const FLOW_LOW_WATER_BYTES = 128 * 1024;

export interface HttpStreamsOptions<P> {
  host: OperationHost<P>;
  sweep: DeadlineSweep;
  clientAddress: (request: IncomingMessage) => string | undefined;
  maxSocketBufferBytes: number;
  logger: Logger;
  /** Between heartbeats (Apollo's multipart protocol: `{}`; server-sent events: a comment). */
  heartbeatMs?: number;
}

/** HTTP status and Retry-After for an admission refused before the stream began. */
const REFUSAL_STATUS: Record<number, number> = { 4401: 401, 4429: 429, 1013: 503, 1001: 503 };

/** A GET's parameters are text; `variables` and `extensions` are JSON inside it. */
function requestOf(req: Request): OperationRequest {
  if (req.method !== "GET") return (req.body ?? {}) as OperationRequest;
  const json = (value: unknown) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value; // the engine says what is wrong with it
    }
  };
  const { query, operationName, variables, extensions } = req.query;
  return { query, operationName, variables: json(variables), extensions: json(extensions) };
}

/** Streams opened so far: each stream's id, which spreads heartbeats over the keep-alive's slices. */
let opened = 0;

/** One streaming response: a connection of the engine with exactly one operation. */
class HttpStream<P> implements FlowControl, Swept, KeptAlive {
  readonly id = ++opened;
  connection!: Connection<P>;
  initDeadline = null;
  started = false;
  readonly opened = Date.now();

  constructor(
    readonly res: Response,
    readonly framing: StreamFraming,
    private readonly options: HttpStreamsOptions<P>,
  ) {}

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  writable(): Promise<void> | null {
    if (this.closed || this.res.writableLength < FLOW_LOW_WATER_BYTES) return null;
    return new Promise((resolve) => {
      const check = () => (this.closed || this.res.writableLength < FLOW_LOW_WATER_BYTES ? resolve() : setTimeout(check, 5));
      setTimeout(check, 5);
    });
  }

  initTimedOut(): void {
    // An HTTP stream's credentials come with its request: there is no init to wait for.
  }

  start(): void {
    this.started = true;
    this.res.writeHead(200, { "cache-control": "no-cache", "x-accel-buffering": "no", ...this.framing.headers });
    this.write(`${this.framing.opening}${this.framing.heartbeat}`);
  }

  write(text: string): void {
    if (this.closed) return;
    this.res.write(text);
    // A client that stopped reading: cut it off instead of buffering for it without end.
    if (this.res.writableLength > this.options.maxSocketBufferBytes) {
      this.options.logger.warn({ buffered: this.res.writableLength, stream: this.framing.name }, "slow consumer disconnected");
      this.res.destroy();
    }
  }

  finish(text: string): void {
    this.write(text);
    if (!this.closed) this.res.end();
  }

  /** The engine ends the connection: a refused admission, credentials gone, shutdown. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    const error = closeError(code, reason);
    if (!this.started && this.framing.refusesWithStatus) return this.refuse(code, error);
    if (!this.started) this.start();
    this.finish(this.framing.ended(error));
  }

  private refuse(code: number, error: GraphQLFormattedError): void {
    const retryAfter = error.extensions?.["retryAfterSeconds"] ?? (code === 1013 || code === 1001 ? 1 : undefined);
    if (retryAfter !== undefined) this.res.setHeader("retry-after", String(retryAfter));
    this.res.status(REFUSAL_STATUS[code] ?? 500).json({ errors: [error] });
  }

  sink(): OperationSink {
    return {
      next: (payload) => this.write(this.framing.next(payload)),
      error: (errors) => this.finish(this.framing.failed(errors)),
      complete: () => this.finish(this.framing.completion),
    };
  }
}

/**
 * Streaming HTTP transports over the operation engine: each request is one connection,
 * admitted from its Authorization header (counted in the user's connection quota), running
 * its one operation, paced on the response's backpressure, ended at its credentials'
 * deadline (the shared sweep) or when they are revoked, and by shutdown. One timer sends
 * every stream's heartbeats, a slice of them at a time.
 */
export function httpStreams<P>(options: HttpStreamsOptions<P>) {
  const { host, sweep, logger } = options;
  const streams = new Set<HttpStream<P>>();
  // A slice of the streams at a time, as the WebSocket keep-alive (see KeepAlive).
  const heartbeat = new KeepAlive(
    () => streams,
    options.heartbeatMs ?? 5000,
    (stream) => {
      if (stream.started) stream.write(stream.framing.heartbeat);
    },
  );

  /** GraphQL over HTTP: a GET never runs a mutation (a link or an image could send one). */
  function mutationOverGet(req: Request, request: OperationRequest): boolean {
    if (req.method !== "GET") return false;
    const document = host.documents.get(request.query);
    if (!("kind" in document)) return false; // the engine says what is wrong with it
    const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
    return getOperationAST(document, operationName)?.operation === "mutation";
  }

  async function serve(framing: StreamFraming, req: Request, res: Response): Promise<void> {
    const request = requestOf(req);
    if (mutationOverGet(req, request)) {
      res.status(405).set("allow", "POST").json({ errors: [{ message: "Mutations are not run over GET: send them as a POST.", extensions: { code: ErrorCode.BadUserInput } }] });
      return;
    }
    const stream = new HttpStream(res, framing, options);
    stream.connection = host.connection({ close: (code, reason) => stream.close(code, reason), flow: stream }, options.clientAddress(req));
    streams.add(stream);
    sweep.add(stream);
    res.once("close", () => {
      streams.delete(stream);
      sweep.delete(stream);
      stream.connection.closed();
      if (stream.started) logger.info({ stream: framing.name, userId: stream.connection.userKey, ms: Date.now() - stream.opened }, "http stream closed");
    });
    if (!(await stream.connection.admit({ authorization: req.headers.authorization }))) return;
    stream.start();
    stream.connection.start("1", request, stream.sink());
  }

  const transport = (framing: StreamFraming): HttpStreamingTransport => ({
    describe: framing.describe,
    takes: framing.takes,
    handle: (req, res, next) => {
      serve(framing, req, res).catch(next);
    },
  });

  return {
    transport,
    /** Ends every stream as a server going away: clients subscribe again elsewhere. */
    close(): void {
      heartbeat.stop();
      for (const stream of streams) stream.connection.end({ code: 1001, reason: "Going away" });
      for (const stream of streams) if (!stream.started && !stream.closed) stream.res.destroy();
    },
  };
}
