import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import { bearerToken } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Context, Services } from "./context.js";
import { migrate, openOrm } from "./db/orm.js";
import { seedDemoIfEmpty } from "./db/seed-demo.js";
import { isDatabaseUnavailable } from "./db/unavailable.js";
import { makeErrorFormatter, ServiceUnavailableError, UnauthenticatedError } from "./errors.js";
import { createHttpApp, makeOriginCheck } from "./http.js";
import { createInProcessRoomBus, createRedisRoomBus, toTypeGraphqlPubSub } from "./realtime/room-bus.js";
import { attachWebSocketServer } from "./realtime/websocket.js";
import { createSchema } from "./schema.js";
import { Metrics } from "./metrics.js";
import { queryLimitRules } from "./query-limits.js";
import { createServices } from "./services.js";

export interface App {
  url: string;
  port: number;
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
  const metrics = new Metrics();
  const bus = config.redisUrl
    ? createRedisRoomBus(config.redisUrl, config.redisPrefix, logger, () => metrics.pubsubReconnects.inc())
    : createInProcessRoomBus(config.redisPrefix);
  const services = createServices(config, orm, bus, logger, metrics);
  const stopFollowingUsers = services.auth.followChanges(bus, logger);
  if (config.seedDemo) await seedDemoIfEmpty(orm.em.fork(), services, logger);

  const schema = await createSchema(toTypeGraphqlPubSub(bus));
  const formatError = makeErrorFormatter(logger, config.production);
  const httpServer = createServer();
  const validationRules = queryLimitRules(config.limits);
  let ready = true;

  const ws = attachWebSocketServer({
    httpServer,
    path: "/graphql",
    schema,
    orm,
    services,
    logger,
    formatError,
    isOriginAllowed: makeOriginCheck(config.allowedOrigins),
    limits: config.limits,
    validationRules,
    metrics,
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
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5000 }),
      // Browsers asking for /graphql get our bundled playground (no CDN), not Apollo's.
      ApolloServerPluginLandingPageDisabled(),
      // Responses are per user and never cached by HTTP caches: no need to compute cache hints
      // on every field of every request (Apollo installs this plugin unless told not to).
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const http = createHttpApp({
    logger,
    allowedOrigins: config.allowedOrigins,
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
    graphql: expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        const em = orm.em.fork();
        const clientAddress = req.socket.remoteAddress;
        const header = req.headers.authorization;
        if (header === undefined || header === "") return { em, user: null, services, clientAddress };
        const token = bearerToken(header);
        const user = token
          ? await services.auth.userForToken(em, token).catch((err: unknown) => {
              throw isDatabaseUnavailable(err) ? new ServiceUnavailableError(true) : err;
            })
          : null;
        if (!user) throw new UnauthenticatedError("Invalid or expired token.");
        return { em, user: { id: user.id, username: user.username, role: user.role }, services, clientAddress };
      },
    }),
  });
  httpServer.on("request", http);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    // A reconnect storm (every client of an instance that went away, at once) must not overflow
    // the accept queue: Node's default of 511 resets the rest. The kernel caps it at somaxconn.
    httpServer.listen({ port: config.port, host: config.host, backlog: 4096 }, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${port}`;

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    orm,
    services,
    stop() {
      stopping ??= (async () => {
        ready = false;
        await ws.close();
        // Upgraded sockets are gone; idle keep-alive connections must not hold the drain.
        httpServer.closeIdleConnections();
        await apollo.stop();
        stopFollowingUsers();
        await bus.close();
        await orm.close(true);
      })();
      return stopping;
    },
  };
}
