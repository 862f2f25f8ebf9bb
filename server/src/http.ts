import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import cors from "cors";
import helmet from "helmet";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import { ErrorCode } from "./errors.js";

/** Origin policy shared by CORS and WebSocket upgrades. */
export function makeOriginCheck(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins);
  return (origin: string | undefined, host: string | undefined): boolean => {
    // Non-browser clients (mobile apps, scripts) send no Origin; browsers always do.
    if (!origin) return true;
    if (allowed.has(origin)) return true;
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  };
}

export interface HttpOptions {
  logger: Logger;
  allowedOrigins: string[];
  maxBodyBytes: number;
  clientDist: string | null;
  readiness: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  graphql: RequestHandler;
  metrics: Registry;
}

function jsonError(status: number, message: string, code: string) {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

const invalidUtf8 = "entity.invalid.utf8";

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
  const { status, body } =
    err.type === "entity.too.large"
      ? jsonError(413, `Request body larger than ${err.limit ?? "the limit"} bytes.`, ErrorCode.BadUserInput)
      : err.type === "entity.parse.failed" || err.type === "encoding.unsupported" || err.type === "charset.unsupported"
        ? jsonError(400, "The request body is not valid JSON.", ErrorCode.BadUserInput)
        : err.type === invalidUtf8
          ? jsonError(400, "The request body is not valid UTF-8.", ErrorCode.BadUserInput)
          : jsonError(err.status && err.status < 500 ? err.status : 500, "Bad request.", ErrorCode.BadUserInput);
  res.status(status).json(body);
};

export function createHttpApp(options: HttpOptions): Express {
  const app = express();
  const dist = options.clientDist ? resolve(options.clientDist) : null;
  app.disable("x-powered-by");
  app.set("etag", false);

  // One JSON line per request: id, route and outcome; never headers or bodies (tokens, passwords).
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = typeof req.headers["x-request-id"] === "string" ? req.headers["x-request-id"].slice(0, 64) : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.logger.info({ requestId, method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "http request");
    });
    next();
  });

  // A strict policy: our own scripts only, no framing, no sniffing. Styles may be inline
  // (the playground's editor injects them); nothing else is.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          fontSrc: ["'self'", "data:"],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", "blob:"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get("/metrics", async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const result = await options.readiness();
    res.status(result.ok ? 200 : 503).json({ status: result.ok ? "ok" : "unavailable", checks: result.checks });
  });

  const isOriginAllowed = makeOriginCheck(options.allowedOrigins);
  app.get("/graphql", (req, res, next) => {
    const wantsPage = req.accepts(["text/html", "application/json"]) === "text/html" && !req.query["query"];
    if (wantsPage && dist && existsSync(resolve(dist, "playground.html"))) return res.redirect(302, "/playground");
    next();
  });
  app.use(
    "/graphql",
    cors((req, callback) => {
      callback(null, { origin: isOriginAllowed(req.headers.origin, req.headers.host), maxAge: 600 });
    }),
    express.json({ limit: options.maxBodyBytes, verify: requireUtf8 }),
    bodyErrors,
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
    app.get(/^\/(?!graphql|healthz|readyz).*/, (_req, res) => {
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
