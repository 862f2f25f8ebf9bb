import { isUtf8 } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import type { Logger } from "pino";
import { ErrorCode } from "./errors.js";
import { bodyError, invalidUtf8, jsonError, logWhenFinished, requestIdOf, securityHeaders } from "./http-basics.js";

export interface LeanGraphqlOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  isOriginAllowed: (origin: string | undefined) => boolean;
  maxBodyBytes: number;
  logger: Logger;
  /** Parameters the lean path must leave to express: the trusted-documents mode's refusals. */
  refuses?: (params: Record<string, unknown>) => boolean;
  /** Everything else: the express app (http.ts). */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
}

// body-parser's own test (type-is) takes any parameters; here only the plain forms are taken.
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*("?)utf-8\2\s*)?$/i;
// Apollo's single-result types as express's res.send writes them back (parameter names lowercased).
const AS_EXPRESS_WRITES: Record<string, string> = {
  "application/json; callbackSpec=1.0; charset=utf-8": "application/json; callbackspec=1.0; charset=utf-8",
};

/**
 * Which requests the lean path takes, from the headers alone (nothing is read yet, so express
 * can still take any other): a JSON POST to /graphql with a known length within the limit and
 * no content coding, not asking for a stream. Everything unusual (GET, preflight, other types,
 * compressed or chunked bodies, SSE/multipart clients, the web client) goes to express.
 */
function takes(req: IncomingMessage, maxBodyBytes: number): boolean {
  if (req.method !== "POST" || req.url !== "/graphql") return false;
  const { headers } = req;
  const type = headers["content-type"];
  if (type === undefined || !PLAIN_JSON.test(type)) return false;
  if (headers["content-encoding"] !== undefined || headers["transfer-encoding"] !== undefined) return false;
  const length = headers["content-length"];
  if (length === undefined || !/^\d+$/.test(length) || Number(length) > maxBodyBytes) return false;
  const accept = headers.accept;
  return accept === undefined || !/event-stream|multipart/i.test(accept);
}

type Lean = IncomingMessage & { body?: unknown };

/**
 * `POST /graphql` with a JSON body, straight to Apollo without express's router, its body
 * parser and helmet's and cors's middleware chains: the same answer (status, headers, body,
 * log line) for a fraction of the work. A body that is not one plain operation (a batch, an
 * id without its document, a subscription, an empty body, a document the trusted-documents
 * mode refuses) goes on to express already parsed, which body-parser then leaves as it is.
 */
export function leanGraphql<TContext extends BaseContext>(options: LeanGraphqlOptions<TContext>): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, logger, maxBodyBytes, fallback } = options;

  function headersFor(req: IncomingMessage, requestId: string): string[] {
    const flat = ["X-Request-Id", requestId];
    for (const [name, value] of securityHeaders) flat.push(name, value);
    // cors: an allowed origin (or none, from a non-browser client) varies by Origin and is reflected.
    const origin = req.headers.origin;
    if (options.isOriginAllowed(origin)) {
      flat.push("Vary", "Origin");
      if (origin) flat.push("Access-Control-Allow-Origin", origin);
    }
    return flat;
  }

  function answer(req: IncomingMessage, res: ServerResponse, requestId: string, status: number, type: string, body: string, extra?: string[]): void {
    const headers = headersFor(req, requestId);
    if (extra) headers.push(...extra);
    headers.push("Content-Type", type, "Content-Length", String(Buffer.byteLength(body)));
    res.writeHead(status, headers).end(body);
  }

  function answerJson(req: IncomingMessage, res: ServerResponse, requestId: string, status: number, body: unknown): void {
    answer(req, res, requestId, status, "application/json; charset=utf-8", JSON.stringify(body));
  }

  async function execute(req: IncomingMessage, res: ServerResponse, requestId: string, params: Record<string, unknown>): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: "", body: params },
      context: () => options.context(req),
    });
    const extra: string[] = [];
    let type: string | undefined;
    for (const [key, value] of response.headers) {
      if (key === "content-type") type = value;
      else extra.push(key, value);
    }
    const status = response.status ?? 200;
    if (response.body.kind === "complete") {
      answer(req, res, requestId, status, type === undefined ? "text/html; charset=utf-8" : (AS_EXPRESS_WRITES[type] ?? type), response.body.string, extra);
      return;
    }
    // Incremental delivery: chunks as they come, as the express integration writes them.
    const head = headersFor(req, requestId);
    head.push(...extra);
    if (type !== undefined) head.push("content-type", type);
    res.writeHead(status, head);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  function handle(req: Lean, res: ServerResponse, started: bigint, body: Buffer): void {
    const requestId = requestIdOf(req);
    // Anything unexpected is express's final handler's answer: a logged 500.
    const failed = (err: unknown) => {
      logger.error({ err }, "unexpected http error");
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answerJson(req, res, requestId, 500, jsonError(500, "Internal server error", ErrorCode.Internal).body);
    };
    if (!isUtf8(body)) {
      logWhenFinished(logger, req, res, requestId, "/graphql", started);
      const { status, body: errorBody } = bodyError({ type: invalidUtf8 });
      answerJson(req, res, requestId, status, errorBody);
      return;
    }
    let text = body.toString("utf8");
    // body-parser's decoder drops a byte order mark.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let params: unknown;
    if (text.length === 0) {
      params = {}; // body-parser's reading of an empty JSON body
    } else {
      try {
        params = JSON.parse(text);
      } catch {
        params = undefined;
      }
      // body-parser's strict mode: an object or an array, never a bare value.
      if (typeof params !== "object" || params === null) {
        logWhenFinished(logger, req, res, requestId, "/graphql", started);
        const { status, body: errorBody } = bodyError({ type: "entity.parse.failed" });
        answerJson(req, res, requestId, status, errorBody);
        return;
      }
    }
    const operation = params as Record<string, unknown>;
    const query = operation["query"];
    if (Array.isArray(params) || typeof query !== "string" || query.includes("subscription") || options.refuses?.(operation)) {
      // The request is over (body-parser will not read it again): express takes it from here.
      req.body = params;
      fallback(req, res);
      return;
    }
    logWhenFinished(logger, req, res, requestId, "/graphql", started);
    execute(req, res, requestId, operation).catch(failed);
  }

  return (req, res) => {
    if (!takes(req, maxBodyBytes)) {
      fallback(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => handle(req, res, started, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", () => {
      // An aborted upload: body-parser's 400, if the socket can still take it.
      const requestId = requestIdOf(req);
      logWhenFinished(logger, req, res, requestId, "/graphql", started);
      const { status, body } = bodyError({ status: 400 });
      if (!res.headersSent && !res.destroyed) answerJson(req, res, requestId, status, body);
    });
  };
}
