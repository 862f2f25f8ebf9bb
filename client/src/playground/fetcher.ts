import type { Fetcher, FetcherOpts, FetcherParams } from "@graphiql/toolkit";
import { getOperationAST, parse, type DocumentNode } from "graphql";
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import type { AuthStore } from "./auth-store";
import { closeMessage, HEADER_REFUSED, problem, TOKEN_DROPPED } from "./messages";

function wsUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** The headers typed in GraphiQL's Headers tab, split into Authorization (any case) and the rest. */
function editorHeaders(headers: FetcherOpts["headers"]): { authorization?: string; rest: Record<string, string> } {
  const rest: Record<string, string> = {};
  let authorization: string | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value !== "string") continue;
    if (name.toLowerCase() === "authorization") authorization = value.trim() || undefined;
    else rest[name] = value;
  }
  return { authorization, rest };
}

/**
 * The operation as sent. GraphiQL's own `documentAST` is parsed 100 ms after the last edit, so
 * an operation run straight after typing would be judged by the previous text (and a new
 * subscription sent over HTTP): parse the query itself.
 */
function parsed(params: FetcherParams, opts: FetcherOpts | undefined): DocumentNode | undefined {
  try {
    return parse(params.query);
  } catch {
    return opts?.documentAST; // invalid: let the server say why
  }
}

/** Results as JSON: what the server sent, or what the playground says instead. */
type Result = FormattedExecutionResult;

/** The Authorization a request carries, and where it came from. */
interface Sent {
  authorization: string | undefined;
  fromEditor: boolean;
  /** The logged-in token it carries (not one typed in the Headers tab). */
  token: string | null;
}

async function post(params: FetcherParams, headers: Record<string, string>): Promise<{ status: number; result: Result }> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json;q=0.9", ...headers },
      body: JSON.stringify(params),
    });
  } catch {
    return { status: 0, result: problem("Could not reach the server: check that it is running, then run again.") };
  }
  const text = await response.text();
  try {
    return { status: response.status, result: JSON.parse(text) as Result };
  } catch {
    return { status: response.status, result: problem(`The server answered HTTP ${response.status} without a GraphQL response.`) };
  }
}

/**
 * Queries and mutations go over HTTP, subscriptions over graphql-ws (`graphql-transport-ws`),
 * whose token travels in `connection_init`: one socket per Authorization value. The token is
 * the Headers tab's Authorization when there is one, else the one logged in at the top. A
 * token the server refuses (expired, invalid) is dropped and the request sent again without
 * it, so public queries and GraphiQL's schema refetch keep working; the page says so.
 */
export function createPlaygroundFetcher(auth: AuthStore): Fetcher {
  let socket: { authorization: string | undefined; client: Client } | null = null;

  const clientFor = (authorization: string | undefined): Client => {
    if (!socket || socket.authorization !== authorization) {
      void socket?.client.dispose();
      const client = createClient({
        url: wsUrl(),
        connectionParams: () => (authorization ? { authorization } : {}),
        lazy: true, // opened by the first subscription, closed shortly after the last one
      });
      socket = { authorization, client };
    }
    return socket.client;
  };

  /** The server refused `authorization` (401 or close 4401): drop it, or tell the user to. */
  const refused = (sent: Sent) => {
    if (sent.fromEditor) auth.tell(HEADER_REFUSED);
    else if (sent.token) auth.refused(sent.token, TOKEN_DROPPED);
  };

  async function overHttp(params: FetcherParams, sent: Sent, rest: Record<string, string>): Promise<Result> {
    const first = await post(params, sent.authorization ? { ...rest, authorization: sent.authorization } : rest);
    if (first.status !== 401 || !sent.authorization) return first.result;
    refused(sent);
    return (await post(params, rest)).result;
  }

  async function* overSocket(params: FetcherParams, sent: Sent): AsyncGenerator<Result> {
    const { authorization } = sent;
    try {
      yield* clientFor(authorization).iterate({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined });
    } catch (error) {
      const close = error as { code?: unknown; reason?: unknown };
      if (Array.isArray(error)) {
        yield { errors: error }; // the operation's own GraphQL errors
      } else if (typeof close.code !== "number") {
        yield problem("Could not connect to the server's WebSocket: check that it is running, then run again.");
      } else {
        if (close.code === 4401 && authorization) refused(sent);
        const { message, code } = closeMessage(close.code, typeof close.reason === "string" ? close.reason : "", !!authorization);
        yield problem(message, code);
      }
    }
  }

  return (params, opts) => {
    const documentAST = parsed(params, opts);
    const operation = documentAST && getOperationAST(documentAST, params.operationName ?? undefined);
    const { authorization: typed, rest } = editorHeaders(opts?.headers);
    const token = auth.token;
    const sent: Sent = typed ? { authorization: typed, fromEditor: true, token: null } : { authorization: token ? `Bearer ${token}` : undefined, fromEditor: false, token };
    // GraphiQL types results as graphql-js objects; it shows them as the JSON they are.
    return (operation?.operation === "subscription" ? overSocket(params, sent) : overHttp(params, sent, rest)) as ReturnType<Fetcher>;
  };
}
