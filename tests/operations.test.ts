import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import { startApp } from "./support/app.js";
import { freshSqlite, TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startServerProcess } from "./support/server-process.js";
import { PASSWORD, seedWorld, type World } from "./support/world.js";

describe("health", () => {
  let db: TestDatabase;
  let app: App;
  beforeAll(async () => {
    db = freshSqlite();
    await seedWorld(db.url);
    app = await startApp({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("answers /healthz and /readyz when the database answers", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", checks: { database: "ok", pubsub: "ok" } });
  });

  it("is not ready while Redis is unreachable, and says which check failed", async () => {
    const other = await startApp({ DATABASE_URL: db.url, REDIS_URL: "redis://127.0.0.1:1" });
    try {
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Record<string, string> };
      expect(body.checks["database"]).toBe("ok");
      expect(body.checks["pubsub"]).not.toBe("ok");
    } finally {
      await other.stop();
    }
  });

  it("turns oversized and malformed bodies into JSON errors", async () => {
    const huge = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ courses { id } }`, variables: { pad: "x".repeat(200_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(codes((await huge.json()) as never)).toEqual(["BAD_USER_INPUT"]);
    const broken = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(broken.status).toBe(400);
    expect(codes((await broken.json()) as never)).toEqual(["BAD_USER_INPUT"]);
    const parse = await graphql(app.url, `{ courses { id `);
    expect(codes(parse)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    const invalid = await graphql(app.url, `{ courses { nope } }`);
    expect(codes(invalid)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });
});

describe("production errors", () => {
  it("masks unexpected errors: INTERNAL_SERVER_ERROR, no SQL, no stack, no paths", async () => {
    const db = freshSqlite();
    const world = await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, NODE_ENV: "production" });
    try {
      // Break the database under the server: the next read fails inside the driver.
      await app.orm.em.fork().getConnection().execute("drop table messages");
      const res = await graphql(app.url, `query($id: ID!) { messages(courseId: $id) { id } }`, { id: world.roomId }, world.tokens.alice);
      expect(codes(res)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect(res.errors?.[0]?.message).toBe("Internal server error");
      expect(res.raw).not.toMatch(/select|messages`|sqlite|stack|\/work|node_modules/i);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});

describe("a server process", () => {
  let db: TestDatabase;
  let world: World;
  beforeAll(async () => {
    db = freshSqlite();
    world = await seedWorld(db.url);
  });
  afterAll(async () => db?.drop());

  it("logs requests without tokens or passwords", async () => {
    const server = await startServerProcess({ DATABASE_URL: db.url, SECRET_KEY: TEST_SECRET });
    await graphql(server.url, `mutation { login(username: "alice", password: "${PASSWORD}") { token } }`);
    await graphql(server.url, `{ me { id } }`, {}, world.tokens.alice);
    await graphql(server.url, `{ me { id } }`, {}, "bogus.token.value");
    const socket = await TestSocket.connect(server.url, world.tokens.alice);
    await socket.close();
    expect(await server.stop()).toBe(0);
    const logs = server.logs.join("\n");
    expect(logs).toContain('"msg":"http request"');
    expect(logs).toContain('"msg":"websocket connected"');
    for (const secret of [world.tokens.alice, PASSWORD, "bogus.token.value", "Bearer"]) expect(logs).not.toContain(secret);
  });

  it("shuts down gracefully on SIGTERM: sockets closed with 1001, exit code 0", async () => {
    const server = await startServerProcess({ DATABASE_URL: db.url, SECRET_KEY: TEST_SECRET });
    const socket = await TestSocket.connect(server.url, world.tokens.alice);
    socket.subscribe(`subscription($id: ID!) { messageAdded(courseId: $id) { id } }`, { id: world.roomId });
    const exit = server.stop();
    await socket.waitFor(() => socket.closed !== null);
    expect(socket.closed?.code).toBe(1001);
    expect(await exit).toBe(0);
  });
});
