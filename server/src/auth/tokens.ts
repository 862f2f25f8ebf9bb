import { errors, jwtVerify, SignJWT } from "jose";

const ISSUER = "educa-chat";
const ALGORITHM = "HS256";

export interface TokenClaims {
  userId: number;
  expiresAt: Date;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "expired" | "invalid" };

/** Verified tokens remembered, so a client's every request does not pay for an HMAC again. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Signs and checks bearer tokens: HS256 only, issuer and expiry required. */
export class TokenService {
  private readonly key: Uint8Array;
  // Only successful checks are kept (a forged token is never cached), and a hit still honours expiry.
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    secretKey: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secretKey);
  }

  async issue(userId: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenCheck> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > Date.now()) return { ok: true, claims: known };
      this.verified.delete(token);
      return { ok: false, reason: "expired" };
    }
    const check = await this.check(token);
    if (check.ok) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, check.claims);
    }
    return check;
  }

  private async check(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ["sub", "exp", "iat"],
      });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId < 1 || payload.exp === undefined) {
        return { ok: false, reason: "invalid" };
      }
      return { ok: true, claims: { userId, expiresAt: new Date(payload.exp * 1000) } };
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
