import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";
import { PASSWORD } from "./support/world.js";

const REFRESH = `mutation { refreshToken { token } }`;
const ME = `{ me { username } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Another instance hears of a change over pub/sub, or from the table within a second: allow 2 s. */
async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await sleep(50);
  }
}
const GRACE_SECONDS = 2;
const MAX_AGE_SECONDS = 8;

/** Sessions end: on logout (this device or all), after a renewal's grace, at their maximum age; on every instance. */
describe("sessions (postgresql + redis, two processes)", () => {
  let t: Topology;
  let a: string;
  let b: string;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, token: string) => {
    const socket = await TestSocket.connect(url, token);
    sockets.push(socket);
    return socket;
  };
  const login = async (username: string) =>
    (await graphql(a, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: PASSWORD })).data!["login"]
      .token as string;
  const closedWith = async (socket: TestSocket, code: number, withinMs = 2500) => {
    await socket.waitFor(() => socket.closed !== null, withinMs);
    expect(socket.closed?.code).toBe(code);
  };

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", {
      TOKEN_TTL: "1h",
      TOKEN_RENEWAL_GRACE: `${GRACE_SECONDS}s`,
      SESSION_MAX_AGE: `${MAX_AGE_SECONDS}s`,
    });
    [a, b] = t.urls;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await t?.stop();
  });

  it("logs one device out: its token stops counting and its sockets close with 4401 on every instance; other devices stay", async () => {
    const [phone, laptop] = [await login("alice"), await login("alice")];
    const phoneSocket = await connect(b, phone);
    const laptopSocket = await connect(b, laptop);
    expect(codes(await graphql(a, `mutation { logout }`, {}, phone))).toEqual([]);
    await closedWith(phoneSocket, 4401);
    expect(codes(await graphql(a, ME, {}, phone))).toEqual(["UNAUTHENTICATED"]);
    await eventually(async () => codes(await graphql(b, ME, {}, phone))[0] === "UNAUTHENTICATED");
    expect(codes(await graphql(b, REFRESH, {}, phone))).toEqual(["UNAUTHENTICATED"]);
    expect((await graphql(b, ME, {}, laptop)).data?.["me"]).toEqual({ username: "alice" });
    expect(laptopSocket.closed).toBeNull();
    // A logged-out token cannot open a socket either.
    const again = await TestSocket.connect(a, phone);
    await closedWith(again, 4401);
  });

  it("logs every device out, also over a socket", async () => {
    const tokens = [await login("bob"), await login("bob")];
    const open = await Promise.all([connect(a, tokens[0]!), connect(b, tokens[1]!)]);
    const id = open[0]!.subscribe(`mutation { logoutEverywhere }`);
    await open[0]!.waitFor(() => open[0]!.results(id).length > 0 || open[0]!.closed !== null);
    await Promise.all(open.map((s) => closedWith(s, 4401)));
    for (const token of tokens) await eventually(async () => codes(await graphql(b, ME, {}, token))[0] === "UNAUTHENTICATED");
    // A new login works at once.
    expect((await graphql(a, ME, {}, await login("bob"))).data?.["me"]).toEqual({ username: "bob" });
  });

  it("retires the previous token after a renewal's grace, on every instance, sockets included", async () => {
    const first = await login("teacher");
    const socket = await connect(b, first);
    const renewed = (await graphql(a, REFRESH, {}, first)).data!["refreshToken"].token as string;
    const renewedAt = Date.now();
    // Within the grace, the old token still works (another tab, a request in flight).
    expect((await graphql(b, ME, {}, first)).data?.["me"]).toEqual({ username: "teacher" });
    await closedWith(socket, 4401, GRACE_SECONDS * 1000 + 2500);
    expect(Date.now() - renewedAt).toBeLessThan(GRACE_SECONDS * 1000 + 2000);
    expect(codes(await graphql(b, ME, {}, first))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await graphql(a, REFRESH, {}, first))).toEqual(["UNAUTHENTICATED"]);
    expect((await graphql(b, ME, {}, renewed)).data?.["me"]).toEqual({ username: "teacher" });
  });

  it("ends a session at its maximum age however often it was renewed: then only a login helps", async () => {
    const started = Date.now();
    let token = await login("staffer");
    const socket = await connect(a, token);
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      token = (await graphql(b, REFRESH, {}, token)).data!["refreshToken"].token as string;
      // Never valid past the session's end, whatever TOKEN_TTL says.
      expect(decodeJwt(token).exp! * 1000).toBeLessThanOrEqual(started + MAX_AGE_SECONDS * 1000 + 1000);
    }
    const late = await connect(b, token);
    await closedWith(late, 4401, MAX_AGE_SECONDS * 1000);
    expect(Date.now() - started).toBeLessThan(MAX_AGE_SECONDS * 1000 + 3000);
    expect(codes(await graphql(a, REFRESH, {}, token))).toEqual(["UNAUTHENTICATED"]);
    expect(socket.closed?.code).toBe(4401);
    expect((await graphql(a, ME, {}, await login("staffer"))).data?.["me"]).toEqual({ username: "staffer" });
  });

  it("honours a token from before sessions until it expires or its user logs out everywhere; renewing it starts a session", async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const legacy = (sub: string) =>
      new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(sub).setIssuer("educa-chat").setIssuedAt().setExpirationTime("1h").sign(key);
    const old = await legacy(t.world.userIds.outsider);
    expect((await graphql(a, ME, {}, old)).data?.["me"]).toEqual({ username: "outsider" });
    const renewed = (await graphql(b, REFRESH, {}, old)).data!["refreshToken"].token as string;
    expect(decodeJwt(renewed)["sid"]).toEqual(expect.any(String));
    const other = await legacy(t.world.userIds.outsider);
    expect(codes(await graphql(a, `mutation { logoutEverywhere }`, {}, renewed))).toEqual([]);
    await eventually(async () => codes(await graphql(b, ME, {}, other))[0] === "UNAUTHENTICATED");
    expect(codes(await graphql(b, ME, {}, renewed))).toEqual(["UNAUTHENTICATED"]);
  });
});
