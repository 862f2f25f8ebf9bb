import { readFileSync } from "node:fs";
import type { GraphQLError } from "graphql";
import type { Request, RequestHandler } from "express";
import { z } from "zod";
import { PersistedQueryNotFoundError, UntrustedDocumentError } from "./errors.js";
import { answersWithJson } from "./http-status.js";

/** The persisted-query list Apollo's tooling writes (Apollo Client, Apollo iOS, Apollo Kotlin). */
const manifestSchema = z.object({
  format: z.literal("apollo-persisted-query-manifest"),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().min(1),
      body: z.string().min(1),
      name: z.string(),
      type: z.enum(["query", "mutation", "subscription"]),
    }),
  ),
});
export type OperationManifest = z.infer<typeof manifestSchema>;

/** Reads and checks a manifest file; a problem says what is wrong in words. */
export function readManifest(path: string): { manifest: OperationManifest } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    return { problem: `cannot read ${path} as JSON (${err instanceof Error ? err.message.split("\n")[0] : String(err)})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${path} is not an apollo-persisted-query-manifest: ${issue?.path.join(".") || "the file"}: ${issue?.message ?? "invalid"}` };
  }
  const seen = new Set<string>();
  for (const { id } of parsed.data.operations) {
    if (seen.has(id)) return { problem: `${path} lists the id ${id} twice` };
    seen.add(id);
  }
  return { manifest: parsed.data };
}

interface DocumentParams {
  query?: unknown;
  extensions?: unknown;
}

/** The id of `extensions.persistedQuery.sha256Hash`, as Apollo's clients send it. */
function persistedId(extensions: unknown): string | undefined {
  const persisted = typeof extensions === "object" && extensions !== null ? (extensions as Record<string, unknown>)["persistedQuery"] : undefined;
  const id = typeof persisted === "object" && persisted !== null ? (persisted as Record<string, unknown>)["sha256Hash"] : undefined;
  return typeof id === "string" ? id : undefined;
}

/** A GraphQL request's parameters: a GET's search, a POST's JSON body (not a batch). */
function paramsOf(req: Request): Record<string, unknown> | null {
  const params: unknown = req.method === "GET" ? req.query : req.method === "POST" ? req.body : null;
  return typeof params === "object" && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : null;
}

/** A GET's `extensions` is JSON text; a POST's is already an object. */
function extensionsOf(req: Request): unknown {
  const value = paramsOf(req)?.["extensions"];
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined; // Apollo says why
  }
}

/**
 * Operations a client may name by id (Apollo's persisted queries, from the manifest) and, in
 * the trusted-documents mode, the only ones that run, by id or by exact text: on HTTP (the
 * two middlewares) and every streaming transport (`resolve`, through the operation engine).
 */
export class TrustedDocuments {
  private readonly byId = new Map<string, string>();
  private readonly bodies = new Set<string>();

  constructor(
    manifest: OperationManifest,
    readonly only: boolean,
  ) {
    for (const { id, body } of manifest.operations) {
      this.byId.set(id, body);
      this.bodies.add(body);
    }
  }

  /** The query to run for a request, or why it may not run. */
  resolve(params: DocumentParams): { query: unknown } | { errors: readonly GraphQLError[] } {
    const { query } = params;
    // graphql-transport-ws requires a query string: an empty one with an id names the document.
    const id = persistedId(params.extensions);
    if (typeof query === "string" && (query !== "" || id === undefined)) {
      return this.only && !this.bodies.has(query) ? { errors: [new UntrustedDocumentError()] } : { query };
    }
    if (id !== undefined) {
      const body = this.byId.get(id);
      return body === undefined ? { errors: [new PersistedQueryNotFoundError()] } : { query: body };
    }
    return this.only ? { errors: [new UntrustedDocumentError()] } : { query };
  }

  /**
   * Before the streaming transports and Apollo: a listed id becomes its document, so both see
   * a plain request (and know a subscription when they see one). Refusals are left to whoever
   * serves the request, in its own framing.
   */
  readonly expand: RequestHandler = (req, _res, next) => {
    const params = paramsOf(req);
    if (!params || params["query"] !== undefined) return next();
    const extensions = extensionsOf(req);
    const body = this.byId.get(persistedId(extensions) ?? "");
    if (body === undefined) return next();
    // Apollo would check the body against the id as a SHA-256 hash: the id may be any string.
    const { persistedQuery: _named, ...rest } = extensions as Record<string, unknown>;
    if (req.method === "POST") {
      req.body = { ...params, query: body, extensions: rest };
    } else {
      const url = new URL(req.url, "http://localhost");
      url.searchParams.set("query", body);
      if (Object.keys(rest).length > 0) url.searchParams.set("extensions", JSON.stringify(rest));
      else url.searchParams.delete("extensions");
      req.url = `${url.pathname}${url.search}`;
    }
    next();
  };

  /** Just before Apollo, in the trusted-documents mode: anything unlisted is refused unparsed. */
  readonly refuse: RequestHandler = (req, res, next) => {
    const params = paramsOf(req);
    if (!this.only || !params) return next();
    const outcome = this.resolve({ query: params["query"], extensions: extensionsOf(req) });
    if (!("errors" in outcome)) return next();
    const errors = outcome.errors.map((e) => ({ message: e.message, extensions: e.extensions }));
    const documentError = errors.some((e) => e.extensions["code"] !== "PERSISTED_QUERY_NOT_FOUND");
    const type = req.accepts(["application/json", "application/graphql-response+json"]) || "application/json";
    res
      .status(documentError && !answersWithJson(req.headers.accept) ? 400 : 200)
      .type(type)
      .send(JSON.stringify({ errors }));
  };
}
