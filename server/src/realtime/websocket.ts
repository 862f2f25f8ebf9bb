import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { EntityManager, MikroORM } from "@mikro-orm/core";
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from "graphql";
import { CloseCode as GraphqlWsCloseCode, type Context as WsContext } from "graphql-ws";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import type { CurrentUser } from "../auth/current-user.js";
import { bearerToken } from "../auth/tokens.js";
import type { Limits } from "../config.js";
import type { Context, Services } from "../context.js";
import { ErrorCode } from "../errors.js";
import { createSharedSubscribe, type ResultSink } from "./shared-execution.js";
import { serveGraphqlWs, type SocketExtra as TransportExtra } from "./ws-transport.js";
import type { Metrics } from "../metrics.js";

/** Close codes clients act on: 4401 means "renew the token (or log in) and reconnect", 1013 means "retry later". */
export const CloseCode = { Unauthorized: 4401, TooManyConnections: 4429, TryAgainLater: 1013, GoingAway: 1001 } as const;

const MAX_OPERATION_ID_LENGTH = 128;

type SocketExtra = TransportExtra & {
  user?: CurrentUser;
  connectionId?: string;
  clientAddress?: string;
};

/** How often the deadlines of all sockets (connection_init, token expiry) are checked. */
const DEADLINE_CHECK_MS = 250;

/**
 * An operation's context with a fixed shape: an object literal with a getter is kept in
 * dictionary mode, half a kilobyte per open subscription.
 */
class OperationContext implements Context {
  private fork: EntityManager | undefined;
  memberCourseIds?: Promise<Set<number>>;

  constructor(
    private readonly orm: MikroORM,
    readonly user: CurrentUser | null,
    readonly clientAddress: string | undefined,
    readonly services: Services,
  ) {}

  /** Forked on first use: a subscription lives for hours and mostly never touches it. */
  get em(): EntityManager {
    return (this.fork ??= this.orm.em.fork());
  }
}

export interface WebSocketOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  logger: Logger;
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  limits: Limits;
  /** The same query limits as HTTP (query-limits.ts). */
  validationRules: ValidationRule[];
  metrics: Metrics;
}

/** Parsed and validated documents, keyed by query text: clients repeat the same few. */
class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | readonly GraphQLError[]>();
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: ValidationRule[],
    private readonly maxTokens: number,
    private readonly capacity = 500,
  ) {}

  get(query: unknown): DocumentNode | readonly GraphQLError[] {
    if (typeof query !== "string") {
      return [new GraphQLError("A query string is required.", { extensions: { code: ErrorCode.ParseFailed } })];
    }
    const cached = this.entries.get(query);
    if (cached) return cached;
    const result = this.compile(query);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(query, result);
    return result;
  }

  private compile(query: string): DocumentNode | readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.maxTokens });
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : "Syntax error";
      return [new GraphQLError(message, { extensions: { code: ErrorCode.ParseFailed } })];
    }
    const errors = validate(this.schema, document, [...specifiedRules, ...this.rules]);
    if (errors.length > 0) {
      return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.ValidationFailed } }));
    }
    return document;
  }
}

/** graphql-ws on `ws`, sharing the HTTP server's port and path. */
export function attachWebSocketServer(options: WebSocketOptions) {
  const { orm, services, logger, formatError } = options;
  const { limits } = options;
  // An oversized frame closes the socket with 1009 (ws enforces maxPayload).
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxWsFrameBytes, perMessageDeflate: false });
  const documents = new DocumentCache(options.schema, options.validationRules, limits.maxTokens);
  const socketsPerUser = new Map<number, number>();
  // One timer checks every socket's deadlines: a timer per socket (graphql-ws' init wait, a
  // token-expiry timeout) costs a quarter of a kilobyte each.
  const initDeadlines = new Map<WebSocket, number>();
  const tokenExpiries = new Map<WebSocket, number>();
  const deadlines = setInterval(() => {
    const now = Date.now();
    for (const [socket, at] of initDeadlines) {
      if (at > now) break; // in order of arrival, all with the same timeout
      initDeadlines.delete(socket);
      socket.close(GraphqlWsCloseCode.ConnectionInitialisationTimeout, "Connection initialisation timeout");
    }
    for (const [socket, at] of tokenExpiries) {
      if (at > now) continue;
      tokenExpiries.delete(socket);
      socket.close(CloseCode.Unauthorized, "Token expired");
    }
  }, DEADLINE_CHECK_MS);
  deadlines.unref();

  wss.on("connection", (socket) => {
    options.metrics.openSockets.inc();
    initDeadlines.set(socket, Date.now() + limits.connectionInitTimeoutMs);
    socket.once("close", () => {
      options.metrics.openSockets.dec();
      initDeadlines.delete(socket);
      tokenExpiries.delete(socket);
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== options.path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    // Cross-site WebSocket hijacking: browsers always send Origin, so check it before upgrading.
    if (!options.isOriginAllowed(request.headers.origin, request.headers.host)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  options.httpServer.on("upgrade", onUpgrade);

  const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));

  /** A client that stopped reading: cut it off instead of buffering for it without end. */
  const dropIfSlow = (extra: SocketExtra) => {
    if (extra.socket.bufferedAmount <= limits.maxSocketBufferBytes) return;
    logger.warn({ connectionId: extra.connectionId, buffered: extra.socket.bufferedAmount }, "slow consumer disconnected");
    extra.socket.terminate();
  };

  // A room event is serialised once and written to each subscriber's socket as one pre-built
  // `next` frame: per subscriber only a string concatenation and a write remain.
  const sinks = new WeakMap<object, ResultSink>();
  const subscribe = createSharedSubscribe((args) => sinks.get(args.contextValue as object));
  const resultSink = (extra: SocketExtra, id: string): ResultSink => {
    const frameStart = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    return {
      next(payload) {
        if (extra.socket.readyState !== extra.socket.OPEN) return;
        extra.socket.send(`${frameStart}${payload}}`);
        dropIfSlow(extra);
      },
    };
  };

  const server = serveGraphqlWs<SocketExtra>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: 0, // checked with the other deadlines above
      subscribe,
      onConnect: async (ctx) => {
        const extra = ctx.extra;
        initDeadlines.delete(extra.socket);
        extra.connectionId = randomUUID();
        extra.clientAddress = extra.request?.socket.remoteAddress;
        const token = bearerToken(ctx.connectionParams?.["authorization"] ?? ctx.connectionParams?.["Authorization"]);
        let user: (CurrentUser & { expiresAt: Date }) | null = null;
        try {
          // Read afresh: a socket keeps the role it connected with for its whole life.
          user = token ? await services.auth.userForToken(orm.em.fork(), token, { fresh: true }) : null;
        } catch (err) {
          logger.warn({ err }, "websocket authentication failed on a server error");
          extra.socket.close(CloseCode.TryAgainLater, "Try again later");
          return false;
        }
        if (!user) {
          // graphql-ws would close with 4403; the contract says 4401, which clients read as "log in again".
          extra.socket.close(CloseCode.Unauthorized, "Unauthorized");
          return false;
        }
        const open = socketsPerUser.get(user.id) ?? 0;
        if (open >= limits.maxSocketsPerUser) {
          extra.socket.close(CloseCode.TooManyConnections, "Too many connections");
          return false;
        }
        socketsPerUser.set(user.id, open + 1);
        extra.user = { id: user.id, username: user.username, role: user.role };
        // A token that expires while the socket is open ends the socket: log in again.
        tokenExpiries.set(extra.socket, user.expiresAt.getTime());
        // The upgrade request is no longer needed: holding it costs kilobytes per socket.
        (extra as Partial<SocketExtra>).request = undefined;
        logger.info({ connectionId: extra.connectionId, userId: user.id }, "websocket connected");
        return true;
      },
      onSubscribe: (ctx: WsContext<Record<string, unknown> | undefined, SocketExtra>, id, payload) => {
        // Every frame of an operation repeats its id: a client may not make them huge.
        if (id.length > MAX_OPERATION_ID_LENGTH) {
          const message = `An operation id is at most ${MAX_OPERATION_ID_LENGTH} characters.`;
          ctx.extra.socket.close(4400, message);
          return [new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } })];
        }
        // graphql-ws has already registered this operation in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerSocket} operations at once on one connection.`, {
              extensions: { code: ErrorCode.BadUserInput },
            }),
          ];
        }
        const document = documents.get(payload.query);
        if (!("kind" in document)) return [...document];
        const contextValue = new OperationContext(orm, ctx.extra.user ?? null, ctx.extra.clientAddress, services);
        sinks.set(contextValue, resultSink(ctx.extra, id));
        return {
          schema: options.schema,
          document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onClose: (ctx, code, reason) => {
        const user = ctx.extra.user;
        if (user) {
          const left = (socketsPerUser.get(user.id) ?? 1) - 1;
          if (left > 0) socketsPerUser.set(user.id, left);
          else socketsPerUser.delete(user.id);
        }
        logger.info({ connectionId: ctx.extra.connectionId, userId: ctx.extra.user?.id, code, reason }, "websocket closed");
      },
      onNext: (ctx, _id, _payload, _args, result: ExecutionResult) => {
        dropIfSlow(ctx.extra);
        return result.errors ? { ...result, errors: formatAll(result.errors) } : undefined;
      },
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
    },
    wss,
    logger,
  );

  return {
    wss,
    /**
     * Closes every socket with 1001 so clients reconnect elsewhere, then the server. A client
     * that does not answer the closing handshake within a second is cut off, so shutdown
     * never waits on it.
     */
    async close() {
      options.httpServer.off("upgrade", onUpgrade);
      clearInterval(deadlines);
      const sockets = [...wss.clients];
      const disposed = server.dispose();
      await Promise.race([disposed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
      await disposed;
    },
  };
}
