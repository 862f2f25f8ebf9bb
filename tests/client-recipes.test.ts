import { cacheExchange, Client, fetchExchange, gql, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../server/src/app.js";
import type { TestDatabase } from "./support/databases.js";
import { startSeededApp } from "./support/app.js";
import { graphql } from "./support/graphql.js";
import { PASSWORD, type World } from "./support/world.js";

// The recipes of docs/clients.md, run as written there (Node needs `ws` where a browser or
// Node 22 has a WebSocket of its own).

const LOGIN = gql`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
    }
  }
`;
const HISTORY = gql`
  query History($courseId: ID!) {
    messages(courseId: $courseId, last: 20) {
      id
      content
    }
  }
`;
const ROOM = gql`
  subscription Room($courseId: ID!, $after: ID) {
    messageAdded(courseId: $courseId, after: $after) {
      id
      content
    }
  }
`;

describe("the client recipes of docs/clients.md", () => {
  let app: App;
  let db: TestDatabase;
  let world: World;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp());
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await app?.stop();
    await db?.drop();
  });

  const bobSends = async (content: string) =>
    graphql<{ sendMessage: { id: string } }>(app.url, "mutation ($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }", { c: world.roomId, t: content }, world.tokens.bob);

  it("urql: queries over GET, mutations over POST, subscriptions over graphql-ws, resume with after", async () => {
    // --- the recipe ---
    let token: string | null = null;
    const ws = createWsClient({
      url: `${app.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    });
    sockets.push(ws);
    const client = new Client({
      url: `${app.url}/graphql`,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
          }),
        }),
      ],
      fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    // --- end of the recipe ---

    const login = await client.mutation(LOGIN, { username: "alice", password: PASSWORD }).toPromise();
    token = (login.data as { login: { token: string } }).login.token;
    const sent = await bobSends("before alice looks");
    const history = await client.query(HISTORY, { courseId: world.roomId }, { requestPolicy: "network-only" }).toPromise();
    const messages = (history.data as { messages: { id: string; content: string }[] }).messages;
    expect(messages.at(-1)).toEqual({ id: sent.data?.sendMessage.id, content: "before alice looks", __typename: "Message" });

    // Subscribed after the last message shown: what was sent meanwhile is replayed, then live.
    type Event = { id: string; content: string };
    const follow = (after: string | undefined, into: Event[]) =>
      client.subscription(ROOM, { courseId: world.roomId, after }).subscribe((r) => {
        if (r.data) into.push((r.data as { messageAdded: Event }).messageAdded);
      });
    const seen: Event[] = [];
    const live = follow(messages.at(-1)?.id, seen);
    await bobSends("live one");
    await expect.poll(() => seen.map((e) => e.content), { timeout: 10_000 }).toEqual(["live one"]);
    live.unsubscribe();
    // Dropped, then resumed after the last id seen: exactly what was missed.
    await bobSends("missed while away");
    const resumed: Event[] = [];
    const again = follow(seen.at(-1)?.id, resumed);
    await expect.poll(() => resumed.map((e) => e.content), { timeout: 10_000 }).toEqual(["missed while away"]);
    again.unsubscribe();

    // Renew: refreshToken with the current token; the next requests carry the new one.
    const renewed = await client.mutation(gql("mutation Renew { refreshToken { token } }"), {}).toPromise();
    token = (renewed.data as { refreshToken: { token: string } }).refreshToken.token;
    expect((await client.query(gql("query Me { me { username } }"), {}, { requestPolicy: "network-only" }).toPromise()).data).toEqual({
      me: { username: "alice", __typename: "User" },
    });

    // Errors: a room she is not in, and a bad token.
    const forbidden = await client.query(HISTORY, { courseId: world.otherRoomId }).toPromise();
    expect(forbidden.error?.graphQLErrors.map((e) => e.extensions["code"])).toEqual(["FORBIDDEN"]);
    token = "expired-or-invalid";
    const refused = await client.query(gql("query Courses { courses { id } }"), {}, { requestPolicy: "network-only" }).toPromise();
    expect(refused.error?.response?.status).toBe(401);
    expect(refused.error?.graphQLErrors.map((e) => e.extensions["code"])).toEqual(["UNAUTHENTICATED"]);
  });

  it("fetch: log in, read over GET, send over POST, renew, and tell a refused token from the rest", async () => {
    const url = `${app.url}/graphql`;
    // --- the recipe ---
    async function request(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] };
      if (response.status === 401) throw new Error("log in again"); // the token expired or is invalid
      return body;
    }
    const read = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
      const response = await fetch(`${url}?${search}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
    };
    // --- end of the recipe ---

    const { data } = await request("mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "bob", p: PASSWORD });
    const token: string = data.login.token;
    const sent = await request("mutation ($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }", { c: world.roomId, t: "by fetch" }, token);
    const history = await read("query ($c: ID!) { messages(courseId: $c, last: 1) { id content } }", { c: world.roomId }, token);
    expect(history.data.messages).toEqual([{ id: sent.data.sendMessage.id, content: "by fetch" }]);
    const renewed = await request("mutation { refreshToken { token } }", {}, token);
    expect(typeof renewed.data.refreshToken.token).toBe("string");
    const rejected = await request("mutation ($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }", { c: world.roomId, t: " " }, token);
    expect(rejected.errors?.map((e) => e.extensions.code)).toEqual(["BAD_USER_INPUT"]);
    await expect(request("{ courses { id } }", {}, "expired-or-invalid")).rejects.toThrow("log in again");
  });
});
