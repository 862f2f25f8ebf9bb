import { createHmac } from "node:crypto";
import { base64url, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenService } from "./tokens.js";

const SECRET = "a-test-secret-of-forty-characters-at-least";
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const session = { id: "s-1", generation: 3 };

function signed(header: Record<string, unknown>, payload: Record<string, unknown>, secret = key): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", ...header } as { alg: string }).sign(secret);
}
/** Signed by hand, for headers jose would not sign. */
function handSigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}
const valid = { sub: "7", iss: "educa-chat", iat: now(), exp: now() + 60, sid: "s-1", gen: 3 };

describe("TokenService.verify", () => {
  it("accepts what it issued, with the claims jose reads from it", async () => {
    const tokens = new TokenService(SECRET, 60);
    const token = await tokens.issue(7, session, new Date(Date.now() + 3_600_000));
    const check = tokens.verify(token);
    expect(check.ok).toBe(true);
    const { payload } = await jwtVerify(token, key, { issuer: "educa-chat", algorithms: ["HS256"] });
    expect(check.ok && check.claims).toEqual({
      userId: 7,
      session,
      issuedAtMs: payload.iat! * 1000,
      expiresAtMs: payload.exp! * 1000,
    });
    // The second time comes from the cache, with the same answer.
    expect(tokens.verify(token)).toEqual(check);
  });

  it("refuses what jose refuses, and tells an expired token from a bad one", async () => {
    const tokens = new TokenService(SECRET, 60);
    const good = await signed({}, valid);
    const [h, p, s] = good.split(".") as [string, string, string];
    const flipped = `${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
    const cases: Record<string, [string, "invalid" | "expired"]> = {
      "another secret": [await signed({}, valid, new TextEncoder().encode("another-secret-another-secret-another")), "invalid"],
      "a changed signature": [`${h}.${p}.${flipped}`, "invalid"],
      "a signature with a character more": [`${good}A`, "invalid"],
      "no signature": [`${h}.${p}.`, "invalid"],
      "a changed payload": [`${h}.${base64url.encode(JSON.stringify({ ...valid, sub: "1" }))}.${s}`, "invalid"],
      "alg none": [`${base64url.encode(JSON.stringify({ alg: "none" }))}.${p}.`, "invalid"],
      "HS512": [await new SignJWT(valid).setProtectedHeader({ alg: "HS512" }).sign(key), "invalid"],
      "a crit header": [handSigned({ alg: "HS256", crit: ["exp"], exp: 1 }, valid), "invalid"],
      "an unencoded payload (b64)": [handSigned({ alg: "HS256", b64: false }, valid), "invalid"],
      "another issuer": [await signed({}, { ...valid, iss: "elsewhere" }), "invalid"],
      "no expiry": [await signed({}, { ...valid, exp: undefined }), "invalid"],
      "no issued-at": [await signed({}, { ...valid, iat: undefined }), "invalid"],
      "no subject": [await signed({}, { ...valid, sub: undefined }), "invalid"],
      "a subject that is not a user id": [await signed({}, { ...valid, sub: "07" }), "invalid"],
      "not valid yet": [await signed({}, { ...valid, nbf: now() + 60 }), "invalid"],
      "a session without its generation": [await signed({}, { ...valid, gen: undefined }), "invalid"],
      "four parts": [`${good}.x`, "invalid"],
      "not JSON": [`${base64url.encode("{")}.${p}.${s}`, "invalid"],
      expired: [await signed({}, { ...valid, exp: now() - 1 }), "expired"],
    };
    for (const [name, [token, reason]] of Object.entries(cases)) {
      expect(tokens.verify(token), name).toEqual({ ok: false, reason });
    }
    // None of them was remembered: the good token still verifies, and a refused one stays refused.
    expect(tokens.verify(good).ok).toBe(true);
    expect(tokens.verify(handSigned({ alg: "HS256", typ: "JWT" }, valid)).ok).toBe(true);
    expect(tokens.verify(cases["another secret"]![0]).ok).toBe(false);
  });

  it("stops accepting a remembered token once it expires", async () => {
    const tokens = new TokenService(SECRET, 60);
    const token = await signed({}, { ...valid, exp: now() + 1 });
    expect(tokens.verify(token).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(tokens.verify(token)).toEqual({ ok: false, reason: "expired" });
  });
});
