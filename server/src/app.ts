import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import { requestAuthentication } from "./auth/request-auth.js";
import type { TokenClaims } from "./auth/tokens.js";
import { clientAddressResolver } from "./client-address.js";
import type { Config } from "./config.js";
import type { Context, Services } from "./context.js";
import { migrate, openOrm } from "./db/orm.js";
import { audienceOf } from "./messages/room-view.js";
import { seedDemoIfEmpty } from "./db/seed-demo.js";
import { SqliteCheckpointer } from "./db/sqlite-checkpointer.js";
import { SqliteConnection } from "./db/sqlite-connection.js";
import { makeErrorFormatter } from "./errors.js";
import { createHttpApp, listenForMetrics, makeOriginCheck } from "./http.js";
import { leanGraphql } from "./http-lean.js";
import { graphqlOverHttpStatus } from "./http-status.js";
import { graphqlTransportWs, httpSubscriptions, legacyGraphqlWs } from "./http-subscriptions.js";
import { httpStreams } from "./realtime/http-streams.js";
import { OperationHost } from "./realtime/operations.js";
import { createClusterRoomBus } from "./realtime/cluster-bus.js";
import { multipart, serverSentEvents } from "./realtime/stream-framings.js";
import { DeadlineSweep } from "./realtime/sweep.js";
import { createInProcessRoomBus, createRedisRoomBus, toTypeGraphqlPubSub } from "./realtime/room-bus.js";
import { attachWebSocketTransport } from "./realtime/transport-ws.js";
import { storableArgumentsPlugin } from "./validation.js";
import { createSchema } from "./schema.js";
import { Metrics } from "./metrics.js";
import { queryLimitRules } from "./query-limits.js";
import { createServices } from "./services.js";
import { TrustedDocuments } from "./trusted-documents.js";

export interface App {
  url: string;
  port: number;
  /** Where /metrics listens when METRICS_PORT is set. */
  metricsUrl: string | null;
  orm: MikroORM;
  services: Services;
  stop(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // When the timeout wins, the late rejection of `promise` is expected: it must not go unhandled.
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The composition root: config → ORM, pub/sub, schema, Apollo, WebSocket, health. */
export async function createApp(config: Config, logger: Logger): Promise<App> {
  const orm = await openOrm(config.database, logger);
  if (config.migrateOnStart) {
    const applied = await migrate(orm);
    if (applied.length) logger.info({ applied }, "migrations applied");
  }
  const { database } = config;
  const checkpointer = database.kind === "sqlite" && database.path !== ":memory:" ? new SqliteCheckpointer(new SqliteConnection(orm), database.path, logger) : null;
  await checkpointer?.start();
  const metrics = new Metrics();
  const onReconnect = () => metrics.pubsubReconnects.inc();
  const bus = config.redisClusterNodes
    ? createClusterRoomBus(config.redisClusterNodes, config.redisPrefix, logger, onReconnect)
    : config.redisUrl
      ? createRedisRoomBus(config.redisUrl, config.redisPrefix, logger, onReconnect)
      : createInProcessRoomBus(config.redisPrefix);
  const services = createServices(config, orm, bus, logger, metrics);
  await services.auth.follow(config.redisUrl || config.redisClusterNodes ? bus : undefined);
  services.presence.start();
  if (config.seedDemo) await seedDemoIfEmpty(orm.em.fork(), services, logger);

  const schema = await createSchema(toTypeGraphqlPubSub(bus));
  const formatError = makeErrorFormatter(logger, config.production);
  const httpServer = createServer();
  const validationRules = queryLimitRules(config.limits);
  const clientAddress = clientAddressResolver(config.trustedProxies);
  const authentication = requestAuthentication(orm, services, clientAddress);
  // Until the server listens its own origin is unknown (PORT=0): the check reads it then.
  const origins = { allowed: config.allowedOrigins };
  const isOriginAllowed = makeOriginCheck(() => origins.allowed);
  let ready = true;
  const { manifest, only } = config.trustedDocuments;
  const documents = manifest ? new TrustedDocuments(manifest, only) : null;

  const operations = new OperationHost<TokenClaims>({
    schema,
    validationRules,
    maxTokens: config.limits.maxTokens,
    formatError,
    gate: authentication.gate,
    maxOperationsPerConnection: config.limits.maxSubscriptionsPerSocket,
    maxConnectionsPerUser: config.limits.maxSocketsPerUser,
    logger,
    audienceOf: (event, context) => audienceOf(event, (context as Context).user),
    // Rendered once per event and audience for a whole room: the room's stream, and who is here
    // and typing (named alike for every member; a crowded room's joins would otherwise cost an
    // execution per member each).
    shareableSubscriptions: new Set(["messageAdded", "roomEvents", "presenceUpdates", "typingUpdates"]),
    ...(documents ? { resolveQuery: (request) => documents.resolve(request) } : {}),
  });
  // One timer for every long-lived connection's deadlines, WebSocket and HTTP stream alike.
  const sweep = new DeadlineSweep();
  // A role, a logout, a renewal anywhere: that user's connections are checked again at once.
  const stopRevalidating = services.auth.onChange((change) => operations.revalidateUser(change.userId));
  const ws = attachWebSocketTransport({
    httpServer,
    path: "/graphql",
    host: operations,
    sweep,
    isOriginAllowed,
    clientAddress,
    maxFrameBytes: config.limits.maxWsFrameBytes,
    connectionInitTimeoutMs: config.limits.connectionInitTimeoutMs,
    maxSocketBufferBytes: config.limits.maxSocketBufferBytes,
    logger,
    onOpen: () => metrics.openSockets.inc(),
    onClose: () => metrics.openSockets.dec(),
  });

  const streams = httpStreams({ host: operations, sweep, clientAddress, maxSocketBufferBytes: config.limits.maxSocketBufferBytes, logger });
  // Chosen by the Accept header; any other subscription sent over HTTP is told where they work.
  const subscriptions = httpSubscriptions({
    streaming: [streams.transport(multipart), streams.transport(serverSentEvents)],
    elsewhere: [graphqlTransportWs("/graphql"), legacyGraphqlWs("/graphql")],
    maxTokens: config.limits.maxTokens,
  });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    introspection: config.limits.introspection,
    validationRules,
    parseOptions: { maxTokens: config.limits.maxTokens },
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM and calls stop(): Apollo's own handler would race it, and a second
    // stop() while the first is draining never resolves (Apollo 5), holding shutdown for 15 s.
    stopOnTerminationSignals: false,
    // Tokens are bearer headers, never cookies: http.ts's JSON-only POST is the CSRF rule, and
    // standard GETs (urql, CDNs, persisted-query hashes) need no extra header.
    csrfPrevention: false,
    plugins: [
      graphqlOverHttpStatus(),
      subscriptions.plugin,
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5000 }),
      // Browsers asking for /graphql get our bundled playground (no CDN), not Apollo's.
      ApolloServerPluginLandingPageDisabled(),
      // Responses are per user and never cached by HTTP caches: no need to compute cache hints
      // on every field of every request (Apollo installs this plugin unless told not to).
      ApolloServerPluginCacheControlDisabled(),
      storableArgumentsPlugin(),
    ],
  });
  await apollo.start();

  const http = createHttpApp({
    logger,
    isOriginAllowed,
    metricsToken: config.metrics.token,
    maxBodyBytes: config.limits.maxHttpBodyBytes,
    clientDist: config.clientDist,
    metrics: metrics.registry,
    readiness: async () => {
      const checks: Record<string, string> = {};
      if (!ready) checks["server"] = "shutting down";
      try {
        await withTimeout(orm.em.fork().getConnection().execute("select 1"), 2000);
        checks["database"] = "ok";
      } catch (err) {
        checks["database"] = err instanceof Error ? err.message : "unreachable";
      }
      try {
        await withTimeout(bus.ping(), 2000);
        checks["pubsub"] = "ok";
      } catch (err) {
        checks["pubsub"] = err instanceof Error ? err.message : "unreachable";
      }
      return { ok: ready && checks["database"] === "ok" && checks["pubsub"] === "ok", checks };
    },
    expandDocuments: documents?.expand ?? ((_req, _res, next) => next()),
    subscriptions: subscriptions.middleware,
    refuseDocuments: documents?.refuse ?? ((_req, _res, next) => next()),
    graphql: expressMiddleware(apollo, { context: async ({ req }): Promise<Context> => authentication.httpContext(req) }),
  });
  // Plain JSON POSTs (nearly every query and mutation) skip express; it serves everything else.
  httpServer.on(
    "request",
    leanGraphql({
      apollo,
      context: (req) => authentication.httpContext(req),
      isOriginAllowed,
      maxBodyBytes: config.limits.maxHttpBodyBytes,
      logger,
      ...(documents?.only ? { refuses: (params: Record<string, unknown>) => "errors" in documents.resolve(params) } : {}),
      fallback: http,
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    // A reconnect storm (every client of an instance that went away, at once) must not overflow
    // the accept queue: a connection it drops waits a second or more for its SYN to be sent
    // again (Node's default of 511 made that most of a storm's time). As long as the kernel
    // allows, net.core.somaxconn (4096 by default): operators raise that (docs/scaling.md).
    httpServer.listen({ port: config.port, host: config.host, backlog: 65535 }, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${port}`;
  if (origins.allowed.length === 0) origins.allowed = [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
  const metricsServer = config.metrics.port === null ? null : await listenForMetrics(metrics.registry, config.metrics, logger);

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    metricsUrl: metricsServer?.url ?? null,
    orm,
    services,
    stop() {
      stopping ??= (async () => {
        ready = false;
        await metricsServer?.close();
        await ws.close();
        streams.close();
        sweep.stop();
        // Upgraded sockets are gone; idle keep-alive connections must not hold the drain.
        httpServer.closeIdleConnections();
        await apollo.stop();
        stopRevalidating();
        services.auth.stopFollowing();
        // Gathered read positions are written before the database closes; this instance's members leave the rooms now, not after PRESENCE_TTL.
        await services.readState.drain();
        await services.presence.stop();
        await bus.close();
        await checkpointer?.stop();
        await orm.close(true);
      })();
      return stopping;
    },
  };
}
