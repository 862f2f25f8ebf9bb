import { createHmac, createSecretKey, type KeyObject, timingSafeEqual, webcrypto } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
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
  /** The same secret for node:crypto's HMAC, which checks a signature synchronously. */
  private readonly hmacKey: KeyObject;
  // Only successful checks are kept (a forged token is never cached), and a hit still honours expiry.
  private readonly verified = new LRUCache<string, TokenClaims>({ max: VERIFIED_CACHE_SIZE });

  constructor(
    secretKey: string,
    readonly ttlSeconds: number,
  ) {
    const secret = new TextEncoder().encode(secretKey);
    this.key = webcrypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    this.hmacKey = createSecretKey(secret);
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

  /** Signature, issuer and expiry, synchronously. */
  verify(token: string): TokenCheck {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > Date.now()) return { ok: true, claims: known };
      this.verified.delete(token);
      return { ok: false, reason: "expired" };
    }
    const check = this.check(token);
    if (check.ok) this.verified.set(token, check.claims);
    return check;
  }

  /**
   * jose's parsing, with the signature checked by node:crypto's HMAC: jose checks it through
   * WebCrypto, a job on the thread pool that cost 50–100 µs of CPU per token (against 10 µs
   * here), on the first request of every client and on every connect of a storm.
   */
  private check(token: string): TokenCheck {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "invalid" };
    const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return { ok: false, reason: "invalid" };
    }
    // One algorithm, and no header parameter this check would not understand (as jose refuses crit).
    if (header.alg !== ALGORITHM || header.crit !== undefined || header.b64 !== undefined) return { ok: false, reason: "invalid" };
    const expected = Buffer.from(createHmac("sha256", this.hmacKey).update(`${encodedHeader}.${encodedPayload}`).digest("base64url"));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
    let payload: ReturnType<typeof decodeJwt>;
    try {
      payload = decodeJwt(token);
    } catch {
      return { ok: false, reason: "invalid" };
    }
    const { sub, exp, iat, nbf, iss, sid, gen } = payload;
    const now = Math.floor(Date.now() / 1000);
    if (iss !== ISSUER || typeof sub !== "string" || typeof iat !== "number" || typeof exp !== "number" || !Number.isFinite(exp)) {
      return { ok: false, reason: "invalid" };
    }
    if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) return { ok: false, reason: "invalid" };
    if (exp <= now) return { ok: false, reason: "expired" };
    const userId = Number(sub);
    if (!Number.isSafeInteger(userId) || userId < 1 || String(userId) !== sub) return { ok: false, reason: "invalid" };
    let session: TokenClaims["session"] = null;
    if (sid !== undefined || gen !== undefined) {
      if (typeof sid !== "string" || !Number.isSafeInteger(gen)) return { ok: false, reason: "invalid" };
      session = { id: sid, generation: gen as number };
    }
    return { ok: true, claims: { userId, session, issuedAtMs: iat * 1000, expiresAtMs: exp * 1000 } };
  }
}

/** `Bearer abc` → `abc`; anything else → undefined. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
