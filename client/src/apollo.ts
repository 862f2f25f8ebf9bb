import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import type { Client } from "graphql-ws";
import { RefreshTokenDocument } from "./auth/operations";
import { loadSession, type Session } from "./auth/session";
import { TokenKeeper } from "./auth/token-keeper";
import { errorCode } from "./errors";
import { ConnectionStatus } from "./connection";
import { createSessionSocket } from "./session-socket";

export interface Api {
  client: ApolloClient;
  /** Null when logged out: subscriptions need a token. */
  ws: Client | null;
  connection: ConnectionStatus;
  dispose(): void;
}

export interface ApiHooks {
  /** The session is over (its token was refused and cannot be renewed): log in again. */
  onUnauthenticated(): void;
  /** The token was renewed: keep the new session. */
  onRenewed(session: Session): void;
}

/** Capped exponential backoff with jitter, so a restarted server is found again quickly. */
function backoffMs(retries: number): number {
  return Math.min(500 * 2 ** retries, 10_000) + Math.random() * 500;
}

function wsUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * One client per session: logging in or out means a new cache and a new socket. Renewing the
 * token does not: every request and every (re)connection reads the keeper's current token.
 */
export function createApi(session: Session | null, hooks: ApiHooks): Api {
  const connection = new ConnectionStatus();
  const keeper = session
    ? new TokenKeeper(session, {
        renew: async () => {
          const result = await client.mutate({ mutation: RefreshTokenDocument });
          if (result.error || !result.data) throw result.error ?? new Error("no result");
          return result.data.refreshToken;
        },
        renewed: hooks.onRenewed,
        stored: loadSession,
      })
    : null;

  // Every HTTP request carries the newest token; the error link below knows which one it sent.
  const auth = new ApolloLink((operation, forward) => {
    const token = keeper?.token;
    if (token) operation.setContext(({ headers = {} }) => ({ headers: { ...headers, authorization: `Bearer ${token}` }, token }));
    return forward(operation);
  });
  const http = new HttpLink({ uri: "/graphql" });

  let ws: Client | null = null;
  if (keeper) {
    let connectedOnce = false;
    let socketToken: string | null = null;
    ws = createSessionSocket({
      url: wsUrl(),
      // Read at every (re)connection, so a reconnect uses the newest token, renewed first when due.
      connectionParams: async () => {
        socketToken = await keeper.current();
        if (!socketToken) {
          hooks.onUnauthenticated();
          throw new Error("The session is over.");
        }
        return { authorization: `Bearer ${socketToken}` };
      },
      // The server closed the socket because its token expired: reconnect with a fresher one
      // (renewed before expiry, or now), or log in again when none can be had.
      renew: async () => {
        if (keeper.token !== socketToken) return true;
        const renewed = await keeper.renew();
        return renewed !== null && renewed !== socketToken;
      },
      expired: hooks.onUnauthenticated,
      retryAttempts: Infinity,
      // The status shows when the next attempt comes, and cuts the wait short when the browser is back online.
      retryWait: (retries) => connection.wait(backoffMs(retries)),
      shouldRetry: () => true, // a 4401 never gets here: graphql-ws treats it as final (see session-socket.ts)
    });
    ws.on("connecting", () => connection.connecting(connectedOnce));
    ws.on("connected", () => {
      connectedOnce = true;
      connection.connected();
    });
    ws.on("closed", (event) => connection.closed(connectedOnce, (event as { code?: number } | undefined)?.code));
  }
  const online = () => connection.setOnline(true);
  const offline = () => connection.setOnline(false);
  window.addEventListener("online", online);
  window.addEventListener("offline", offline);

  const errors = new ErrorLink(({ error, operation }) => {
    if (errorCode(error) !== "UNAUTHENTICATED") return;
    // Refused with a token since replaced by a renewed one: that says nothing about the session.
    if (keeper && operation.getContext()["token"] !== keeper.token) return;
    hooks.onUnauthenticated();
  });

  const transport = ws
    ? ApolloLink.split(
        ({ query }) => {
          const definition = getMainDefinition(query);
          return definition.kind === "OperationDefinition" && definition.operation === "subscription";
        },
        new GraphQLWsLink(ws),
        http,
      )
    : http;

  const client = new ApolloClient({ link: ApolloLink.from([errors, auth, transport]), cache: new InMemoryCache() });
  return {
    client,
    ws,
    connection,
    dispose: () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
      keeper?.stop();
      void ws?.dispose();
      client.stop();
    },
  };
}
