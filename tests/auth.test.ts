import { spawnSync } from "node:child_process";
import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import { startSeededApp } from "./support/app.js";
import { TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import type { World } from "./support/world.js";

const key = new TextEncoder().encode(TEST_SECRET);
const ME = `{ me { username } }`;

describe("tokens", () => {
  let db: TestDatabase;
  let app: App;
  let world: World;

  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp({ TOKEN_TTL: "2s" }));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const sign = (claims: { alg?: string; exp?: number | null; secret?: Uint8Array; iss?: string; sub?: string }) => {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: claims.alg ?? "HS256" })
      .setSubject(claims.sub ?? world.userIds.alice)
      .setIssuer(claims.iss ?? "educa-chat")
      .setIssuedAt();
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? "1h");
    return jwt.sign(claims.secret ?? key);
  };

  it("accepts a token it issued, over HTTP and WebSocket", async () => {
    expect((await graphql(app.url, ME, {}, world.tokens.alice)).data?.["me"]).toEqual({ username: "alice" });
    const socket = await TestSocket.connect(app.url, world.tokens.alice);
    expect(socket.frames[0]?.type).toBe("connection_ack");
    await socket.close();
  });

  it("refuses forged, foreign, unsigned, never-expiring and expired tokens", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const forgedNone = new UnsecuredJWT({ sub: world.userIds.alice, iss: "educa-chat" }).setIssuedAt().setExpirationTime("1h").encode();
    const [, payload] = (await sign({})).split(".");
    const bad = {
      "alg none": forgedNone,
      "alg none, hand-made": `${header}.${payload}.`,
      "another secret": await sign({ secret: new TextEncoder().encode("another-secret-another-secret-another-secret") }),
      "another algorithm (HS512)": await sign({ alg: "HS512" }),
      "no expiry": await sign({ exp: null }),
      expired: await sign({ exp: Math.floor(Date.now() / 1000) - 10 }),
      "another issuer": await sign({ iss: "someone-else" }),
      "a user that does not exist": await sign({ sub: "424242" }),
      "tampered subject": `${(await sign({})).split(".")[0]}.${base64url.encode(JSON.stringify({ sub: world.userIds.staff, iss: "educa-chat", exp: 9999999999, iat: 1 }))}.${(await sign({})).split(".")[2]}`,
    };
    for (const [name, token] of Object.entries(bad)) {
      const res = await graphql(app.url, `{ courses { id } }`, {}, token);
      expect(codes(res), name).toEqual(["UNAUTHENTICATED"]);
      const socket = await TestSocket.connect(app.url, token);
      await socket.waitFor(() => socket.closed !== null);
      expect(socket.closed?.code, name).toBe(4401);
    }
  });

  it("issues tokens that expire after TOKEN_TTL", async () => {
    const login = await graphql(app.url, `mutation { login(username: "bob", password: "correct horse battery") { token } }`);
    const token = login.data?.["login"].token as string;
    expect((await graphql(app.url, ME, {}, token)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3100));
    expect(codes(await graphql(app.url, ME, {}, token))).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("secrets", () => {
  it("refuses to start in production without SECRET_KEY, naming the variable", () => {
    const run = spawnSync(process.execPath, ["server/dist/main.js"], {
      env: { ...process.env, NODE_ENV: "production", SECRET_KEY: "", PORT: "0", DATABASE_URL: "sqlite::memory:" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("SECRET_KEY");
  });

  it("lists every bad variable at once", () => {
    const run = spawnSync(process.execPath, ["server/dist/main.js"], {
      env: { ...process.env, PORT: "http", SEND_RATE_LIMIT: "lots", DATABASE_URL: "mysql://x" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    for (const name of ["PORT", "SEND_RATE_LIMIT", "DATABASE_URL"]) expect(run.stderr).toContain(name);
  });
});

describe("user snapshots", () => {
  let db: TestDatabase;
  let app: App;
  let world: World;

  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp());
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("a request whose user is being read when a change to that user arrives still gets its user", async () => {
    const auth = app.services.auth;
    const users = (auth as any).users as { size: number; clear(): void };
    const applyChange = (change: { id: number; userId: number; sessionId: string | null }) => (auth as any).applyChange(change);
    const claims = auth.verify(world.tokens.alice)!;
    users.clear();
    const lookup = auth.check(app.orm.em.fork(), claims);
    // The read is in flight (its pending entry is in the cache) when the change drops the entry.
    while (users.size === 0) await new Promise((r) => setImmediate(r));
    applyChange({ id: 1_000_000, userId: claims.userId, sessionId: null });
    expect((await lookup)?.user.id).toBe(Number(world.userIds.alice));
  });
});
