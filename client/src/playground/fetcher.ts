import { createGraphiQLFetcher, type Fetcher, type FetcherOpts } from "@graphiql/toolkit";
import { getOperationAST, parse, type DocumentNode } from "graphql";
import { createClient, type Client } from "graphql-ws";

function wsUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** The Authorization header typed in GraphiQL's headers editor, whatever its case. */
function authorizationOf(headers: FetcherOpts["headers"]): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === "authorization" && typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}

/**
 * The operation as sent. GraphiQL's own `documentAST` is parsed 100 ms after the last edit, so
 * an operation run straight after typing would be judged by the previous text (and a new
 * subscription sent over HTTP): parse the query itself.
 */
function parsed(params: Parameters<Fetcher>[0], opts: FetcherOpts | undefined): DocumentNode | undefined {
  try {
    return parse(params.query);
  } catch {
    return opts?.documentAST; // invalid: let the server say why
  }
}

/**
 * Queries and mutations go over HTTP with the headers from the editor. Subscriptions go over
 * graphql-ws (`graphql-transport-ws`), whose token travels in `connection_init`: the socket
 * is made for the Authorization value of the operation and made anew when that value changes.
 */
export function createPlaygroundFetcher(): Fetcher {
  // No @defer/@stream here: plain JSON responses.
  const http = createGraphiQLFetcher({ url: "/graphql", enableIncrementalDelivery: false });
  let socket: { authorization: string | undefined; client: Client; fetcher: Fetcher } | null = null;

  const socketFor = (authorization: string | undefined): Fetcher => {
    if (!socket || socket.authorization !== authorization) {
      void socket?.client.dispose();
      const client = createClient({
        url: wsUrl(),
        connectionParams: () => (authorization ? { authorization } : {}),
        lazy: true, // opened by the first subscription, closed shortly after the last one
      });
      socket = { authorization, client, fetcher: createGraphiQLFetcher({ url: "/graphql", wsClient: client }) };
    }
    return socket.fetcher;
  };

  return (params, opts) => {
    const documentAST = parsed(params, opts);
    const operation = documentAST && getOperationAST(documentAST, params.operationName ?? undefined);
    const current = { ...opts, documentAST };
    return operation?.operation === "subscription"
      ? socketFor(authorizationOf(opts?.headers))(params, current)
      : http(params, current);
  };
}
