import { isUtf8 } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from "express";
import cors from "cors";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import { ErrorCode } from "./errors.js";
import { bodyError, invalidUtf8, jsonError, logWhenFinished, requestIdOf, securityHeaders } from "./http-basics.js";

/**
 * Origin policy shared by CORS and WebSocket upgrades: the configured origins only (by default
 * the server's own). An Origin that merely equals the request's Host proves nothing: a rebound
 * DNS name makes any page's origin equal the Host it is sent to.
 */
export function makeOriginCheck(allowedOrigins: () => string[]) {
  return (origin: string | undefined): boolean => {
    // Non-browser clients (mobile apps, scripts) send no Origin; browsers always do.
    if (!origin) return true;
    return allowedOrigins().includes(origin);
  };
}

/** /metrics on a listener of its own (METRICS_PORT), for operators' scrapers only. */
export async function listenForMetrics(registry: Registry, options: { port: number | null; host: string }, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: unknown) => {
        logger.error({ err }, "metrics failed");
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host: options.host }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url: `${url}/metrics` }, "metrics listening");
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface HttpOptions {
  logger: Logger;
  isOriginAllowed: (origin: string | undefined) => boolean;
  /** With a token, /metrics is also served on the main port to requests bearing it; without, not at all. */
  metricsToken: string | null;
  maxBodyBytes: number;
  clientDist: string | null;
  readiness: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** Operations named by id become their documents first (trusted-documents.ts). */
  expandDocuments: RequestHandler;
  /** Runs before `graphql`: subscriptions over HTTP (http-subscriptions.ts). */
  subscriptions: RequestHandler;
  /** Just before `graphql`: what it must not run (the trusted-documents mode). */
  refuseDocuments: RequestHandler;
  graphql: RequestHandler;
  metrics: Registry;
}

/**
 * The JSON decoder would turn malformed UTF-8 into U+FFFD and store that: refuse the body
 * instead, so what is stored is what the client meant or nothing.
 */
function requireUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error("The request body is not valid UTF-8."), { status: 400, type: invalidUtf8 });
}

/** Turns body-parser failures into GraphQL-shaped JSON errors instead of HTML pages. */
const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number; limit?: number }, _req, res, next) => {
  if (res.headersSent) return next(err);
  const { status, body } = bodyError(err);
  res.status(status).json(body);
};

/**
 * A browser opening /graphql: it names text/html itself and prefers it to JSON. Tools that
 * send no Accept, or only wildcards (curl, CDNs, scripts), get the API.
 */
function wantsPage(req: Request): boolean {
  const accept = req.headers.accept ?? "";
  if (!/(^|[\s,])text\/html\s*(;|,|$)/i.test(accept) || req.query["query"] !== undefined || req.query["extensions"] !== undefined) return false;
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

/**
 * The one CSRF rule (docs/decisions/0004-csrf-and-get.md): a POST must say it is JSON. A page
 * on another site can send a form or `text/plain` POST without asking, but not a JSON one: that
 * needs a CORS preflight, which only ALLOWED_ORIGINS pass. GETs run queries only (Apollo
 * refuses mutations over GET) and carry no credentials a browser would add by itself.
 */
const requireJsonPost: RequestHandler = (req, res, next) => {
  if (req.method !== "POST" || req.is("application/json")) return next();
  res.status(415).json(jsonError(415, "POST /graphql takes a JSON body: send Content-Type: application/json.", ErrorCode.BadUserInput).body);
};

export function createHttpApp(options: HttpOptions): Express {
  const app = express();
  const dist = options.clientDist ? resolve(options.clientDist) : null;
  app.disable("x-powered-by");
  app.set("etag", false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader("X-Request-Id", requestId);
    logWhenFinished(options.logger, req, res, requestId, req.originalUrl.split("?")[0] ?? "", started);
    next();
  });

  // Helmet's headers, computed once (http-basics.ts).
  app.use((_req, res, next) => {
    for (const [name, value] of securityHeaders) res.setHeader(name, value);
    next();
  });

  if (options.metricsToken) {
    const expected = Buffer.from(`Bearer ${options.metricsToken}`);
    app.get("/metrics", async (req, res, next) => {
      const given = Buffer.from(req.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return next();
      res.type(options.metrics.contentType).send(await options.metrics.metrics());
    });
  }
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const result = await options.readiness();
    res.status(result.ok ? 200 : 503).json({ status: result.ok ? "ok" : "unavailable", checks: result.checks });
  });

  const { isOriginAllowed } = options;
  app.get("/graphql", (req, res, next) => {
    if (wantsPage(req) && dist && existsSync(resolve(dist, "playground.html"))) return res.redirect(302, "/playground");
    next();
  });
  app.use(
    "/graphql",
    cors((req, callback) => {
      callback(null, { origin: isOriginAllowed(req.headers.origin), maxAge: 600 });
    }),
    requireJsonPost,
    express.json({ limit: options.maxBodyBytes, verify: requireUtf8 }),
    bodyErrors,
    options.expandDocuments,
    options.subscriptions,
    options.refuseDocuments,
    options.graphql,
  );

  if (dist && existsSync(resolve(dist, "playground.html"))) {
    // GraphiQL, bundled by our own build: works offline and speaks graphql-ws.
    app.get("/playground", (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(resolve(dist, "playground.html"));
    });
  }
  if (dist && existsSync(resolve(dist, "index.html"))) {
    app.use(express.static(dist, { index: false, maxAge: "1h" }));
    // The client routes in the browser: every other GET gets the app shell.
    app.get(/^\/(?!graphql|healthz|readyz|metrics).*/, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(resolve(dist, "index.html"));
    });
  } else {
    app.get("/", (_req, res) => {
      res.type("text/plain").send("Educa Chat API: POST /graphql, WebSocket /graphql. The web client is not built (npm run build).\n");
    });
  }
  // Anything else gets JSON too, never express's HTML pages.
  app.use((_req, res) => {
    res.status(404).json(jsonError(404, "Not found.", ErrorCode.BadUserInput).body);
  });
  app.use(((err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err?.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) options.logger.error({ err }, "unexpected http error");
    const { body } = jsonError(status, status === 500 ? "Internal server error" : "Bad request.", status === 500 ? ErrorCode.Internal : ErrorCode.BadUserInput);
    res.status(status).json(body);
  }) as ErrorRequestHandler);
  return app;
}
