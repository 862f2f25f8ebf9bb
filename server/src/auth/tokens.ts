import { webcrypto } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";

const ISSUER = "educa-chat";
const ALGORITHM = "HS256";

export interface TokenClaims {
  userId: number;
  /**
   * The session the token belongs to, and which of its renewals issued it. Null for a token
   * issued before sessions existed: valid until it expires, renewed into a session.
   */
  session: { id: string; generation: number } | null;
  /** When it was issued and when it expires (ms): numbers, not Dates, for every cached token. */
  issuedAtMs: number;
  expiresAtMs: number;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "expired" | "invalid" };

/** Verified tokens remembered, so a client's every request does not pay for an HMAC again. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Signs and checks bearer tokens: HS256 only, issuer and expiry required. */
export class TokenService {
  /**
   * A CryptoKey, imported once: given raw bytes, or a secret KeyObject (which it exports to
   * bytes), jose imports a key again on every sign and verify.
   */
  private readonly key: Promise<webcrypto.CryptoKey>;
  // Only successful checks are kept (a forged token is never cached), and a hit still honours expiry.
  private readonly verified = new LRUCache<string, TokenClaims>({ max: VERIFIED_CACHE_SIZE });

  constructor(
    secretKey: string,
    readonly ttlSeconds: number,
  ) {
    this.key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(secretKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  }

  /** A token for one renewal of a session, expiring after TOKEN_TTL or when the session ends. */
  async issue(userId: number, session: { id: string; generation: number }, sessionEndsAt: Date): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(now + this.ttlSeconds, Math.floor(sessionEndsAt.getTime() / 1000));
    return new SignJWT({ sid: session.id, gen: session.generation })
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(await this.key);
  }

  async verify(token: string): Promise<TokenCheck> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > Date.now()) return { ok: true, claims: known };
      this.verified.delete(token);
      return { ok: false, reason: "expired" };
    }
    const check = await this.check(token);
    if (check.ok) this.verified.set(token, check.claims);
    return check;
  }

  private async check(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ["sub", "exp", "iat"],
      });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId < 1 || payload.exp === undefined || payload.iat === undefined) {
        return { ok: false, reason: "invalid" };
      }
      const { sid, gen } = payload as { sid?: unknown; gen?: unknown };
      let session: TokenClaims["session"] = null;
      if (sid !== undefined || gen !== undefined) {
        if (typeof sid !== "string" || !Number.isSafeInteger(gen)) return { ok: false, reason: "invalid" };
        session = { id: sid, generation: gen as number };
      }
      return { ok: true, claims: { userId, session, issuedAtMs: payload.iat * 1000, expiresAtMs: payload.exp * 1000 } };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? "expired" : "invalid" };
    }
  }
}

/** `Bearer abc` → `abc`; anything else → undefined. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
