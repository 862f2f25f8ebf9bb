import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";
import type { Logger } from "pino";
import { ErrorCode } from "./errors.js";

/**
 * What every HTTP response shares, whichever path serves it: express (http.ts) or the lean
 * JSON POST path (http-lean.ts). Kept in one place so the two cannot drift apart.
 */

export function jsonError(status: number, message: string, code: string) {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

/** The JSON of a request body that could not be read or parsed, by body-parser's error type. */
export function bodyError(err: { type?: string; status?: number; limit?: number }) {
  return err.type === "entity.too.large"
    ? jsonError(413, `Request body larger than ${err.limit ?? "the limit"} bytes.`, ErrorCode.BadUserInput)
    : err.type === "entity.parse.failed" || err.type === "encoding.unsupported" || err.type === "charset.unsupported"
      ? jsonError(400, "The request body is not valid JSON.", ErrorCode.BadUserInput)
      : err.type === invalidUtf8
        ? jsonError(400, "The request body is not valid UTF-8.", ErrorCode.BadUserInput)
        : jsonError(err.status && err.status < 500 ? err.status : 500, "Bad request.", ErrorCode.BadUserInput);
}

export const invalidUtf8 = "entity.invalid.utf8";

/**
 * A strict policy: our own scripts only, no framing, no sniffing. Styles may be inline
 * (the playground's editor injects them); nothing else is.
 */
const helmetOptions: Parameters<typeof helmet>[0] = {
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
};

/**
 * The headers helmet sets, worked out once: with static directives they are the same for
 * every request, and helmet's middleware chain costs more than the headers themselves.
 */
export const securityHeaders: readonly (readonly [string, string])[] = (() => {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
      if (at >= 0) headers.splice(at, 1);
      headers.push([name, String(value)]);
    },
    removeHeader(name: string) {
      const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
      if (at >= 0) headers.splice(at, 1);
    },
  };
  let done = false;
  helmet(helmetOptions)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  // Helmet answers synchronously today; if that ever changes the headers would be missing.
  if (!done) throw new Error("helmet did not finish synchronously");
  return headers;
})();

/** The client's own request id when it sends one (bounded), else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" ? given.slice(0, 64) : randomUUID();
}

/**
 * One JSON line per request once it is answered: id, route and outcome; never headers or
 * bodies (tokens, passwords). Nothing is attached while `info` is off (production runs at
 * warn), so the line then costs no listener and no closure per request.
 */
export function logWhenFinished(logger: Logger, req: IncomingMessage, res: ServerResponse, requestId: string, path: string, started: bigint): void {
  if (!logger.isLevelEnabled("info")) return;
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "http request");
  });
}
