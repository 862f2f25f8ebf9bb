import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { seededAppForSuite } from "./support/app.js";
import { TEST_SECRET } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";

const REFRESH = `mutation { refreshToken { token user { id username role } } }`;
const ME = `{ me { username role } }`;
const key = new TextEncoder().encode(TEST_SECRET);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TTL_SECONDS = 4;

interface Refreshed {
  refreshToken: { token: string; user: { id: string; username: string; role: string } };
}

describe("refreshToken", () => {

  const suite = seededAppForSuite({ SECRET_KEY: TEST_SECRET, TOKEN_TTL: `${TTL_SECONDS}s` });

  const login = async (username: string) => {
    const res = await graphql<{ login: { token: string } }>(
      suite.app.url,
      `mutation ($u: String!) { login(username: $u, password: "correct horse battery") { token } }`,
      { u: username },
    );
    return res.data!.login.token;
  };

  it("exchanges a valid token for a new one that expires later, after a full TOKEN_TTL", async () => {
    const old = await login("alice");
    await sleep(1100); // exp has a one-second resolution
    const res = await graphql<Refreshed>(suite.app.url, REFRESH, {}, old);
    expect(res.errors).toBeUndefined();
    const { token, user } = res.data!.refreshToken;
    expect(user).toMatchObject({ id: suite.world.userIds.alice, username: "alice", role: "Student" });
    const before = decodeJwt(old);
    const after = decodeJwt(token);
    expect(after.sub).toBe(suite.world.userIds.alice);
    expect(after.exp!).toBeGreaterThan(before.exp!);
    expect(after.exp! - after.iat!).toBe(TTL_SECONDS);
    expect((await graphql(suite.app.url, ME, {}, token)).data?.["me"]).toEqual({ username: "alice", role: "Student" });
  });

  it("refuses an expired, invalid or missing token, and a user that no longer exists", async () => {
    const sign = (sub: string, exp: number | string) =>
      new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuer("educa-chat").setIssuedAt().setExpirationTime(exp).sign(key);
    const refused = {
      expired: await sign(suite.world.userIds.alice, Math.floor(Date.now() / 1000) - 5),
      "another secret": await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(suite.world.userIds.alice)
        .setIssuer("educa-chat")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode("another-secret-another-secret-another-secret")),
      garbage: "not-a-token",
      "a user that does not exist": await sign("424242", "1h"),
    };
    for (const [name, token] of Object.entries(refused)) {
      const res = await graphql(suite.app.url, REFRESH, {}, token);
      expect(codes(res), name).toEqual(["UNAUTHENTICATED"]);
      expect(res.status, name).toBe(401);
    }
    expect(codes(await graphql(suite.app.url, REFRESH))).toEqual(["UNAUTHENTICATED"]);

    // A token that expired cannot be renewed, even one renewal had issued.
    const token = await login("bob");
    await sleep(TTL_SECONDS * 1000 + 100);
    expect(codes(await graphql(suite.app.url, REFRESH, {}, token))).toEqual(["UNAUTHENTICATED"]);
  });

  it("reads the user again: a changed role shows in the renewed session", async () => {
    const staff = await login("staffer");
    const outsider = await login("outsider");
    const promoted = await graphql(suite.app.url, `mutation { setRole(username: "outsider", role: Instructor) { role } }`, {}, staff);
    expect(promoted.errors).toBeUndefined();
    const res = await graphql<Refreshed>(suite.app.url, REFRESH, {}, outsider);
    expect(res.data?.refreshToken.user).toMatchObject({ username: "outsider", role: "Instructor" });
    const demoted = await graphql(suite.app.url, `mutation { setRole(username: "outsider", role: Student) { role } }`, {}, staff);
    expect(demoted.errors).toBeUndefined();
    const again = await graphql<Refreshed>(suite.app.url, REFRESH, {}, res.data!.refreshToken.token);
    expect(again.data?.refreshToken.user.role).toBe("Student");
  });

  it("leaves an open socket its old token: closed with 4401 at that expiry, while one with the new token stays", async () => {
    const old = await login("alice");
    const oldSocket = await TestSocket.connect(suite.app.url, old);
    await sleep(1500);
    const renewed = (await graphql<Refreshed>(suite.app.url, REFRESH, {}, old)).data!.refreshToken.token;
    const newSocket = await TestSocket.connect(suite.app.url, renewed);
    expect(newSocket.frames[0]?.type).toBe("connection_ack");

    await oldSocket.waitFor(() => oldSocket.closed !== null);
    const closedAt = Date.now();
    expect(oldSocket.closed?.code).toBe(4401);
    expect(closedAt - decodeJwt(old).exp! * 1000).toBeLessThan(2000);
    expect(newSocket.closed).toBeNull();

    await newSocket.waitFor(() => newSocket.closed !== null);
    expect(newSocket.closed?.code).toBe(4401);
    expect(Date.now() - decodeJwt(renewed).exp! * 1000).toBeLessThan(2000);
  });

  it("bounds renewals per user against a client stuck in a loop", async () => {
    let token = await login("teacher");
    const answers: string[][] = [];
    for (let i = 0; i < 61; i++) {
      const res = await graphql<Refreshed>(suite.app.url, REFRESH, {}, token);
      answers.push(codes(res));
      if (res.data) token = res.data.refreshToken.token;
    }
    expect(answers.slice(0, 60).every((c) => c.length === 0)).toBe(true);
    expect(answers[60]).toEqual(["RATE_LIMITED"]);
  });
});
