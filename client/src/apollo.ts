import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient, type Client } from "graphql-ws";
import { errorCode } from "./errors";

export type ConnectionState = "connecting" | "live" | "reconnecting";

/** A tiny store React reads with useSyncExternalStore. */
export class ConnectionStatus {
  private state: ConnectionState = "connecting";
  private listeners = new Set<() => void>();
  get = (): ConnectionState => this.state;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.listeners.forEach((l) => l());
  }
}

export interface Api {
  client: ApolloClient;
  /** Null when logged out: subscriptions need a token. */
  ws: Client | null;
  connection: ConnectionStatus;
  dispose(): void;
}

const UNAUTHORIZED_CLOSE = 4401;

/** Capped exponential backoff with jitter, so a restarted server is found again quickly. */
function backoff(retries: number): Promise<void> {
  const ms = Math.min(500 * 2 ** retries, 10_000) + Math.random() * 500;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function wsUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** One client per session: a new token means a new cache and a new socket. */
export function createApi(token: string | null, onUnauthenticated: () => void): Api {
  const connection = new ConnectionStatus();
  const authorization = token ? `Bearer ${token}` : undefined;

  const http = new HttpLink({ uri: "/graphql", headers: authorization ? { authorization } : {} });

  let ws: Client | null = null;
  if (token) {
    let connectedOnce = false;
    ws = createClient({
      url: wsUrl(),
      connectionParams: { authorization },
      lazy: false, // keep one socket open for the whole session so its state can be shown
      retryAttempts: Infinity,
      retryWait: backoff,
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === UNAUTHORIZED_CLOSE),
      onNonLazyError: () => undefined, // fatal closes are handled by the "closed" listener
      on: {
        connecting: () => connection.set(connectedOnce ? "reconnecting" : "connecting"),
        connected: () => {
          connectedOnce = true;
          connection.set("live");
        },
        closed: (event) => {
          if (isCloseEvent(event) && event.code === UNAUTHORIZED_CLOSE) onUnauthenticated();
          else connection.set(connectedOnce ? "reconnecting" : "connecting");
        },
      },
    });
  }

  const errors = new ErrorLink(({ error }) => {
    if (errorCode(error) === "UNAUTHENTICATED") onUnauthenticated();
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

  const client = new ApolloClient({ link: ApolloLink.from([errors, transport]), cache: new InMemoryCache() });
  return {
    client,
    ws,
    connection,
    dispose: () => {
      void ws?.dispose();
      client.stop();
    },
  };
}

function isCloseEvent(value: unknown): value is { code: number } {
  return typeof value === "object" && value !== null && "code" in value && typeof value.code === "number";
}
