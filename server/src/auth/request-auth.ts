import type { IncomingMessage } from "node:http";
import type { MikroORM } from "@mikro-orm/core";
import { type Context, OperationContext, type Services } from "../context.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { ServiceUnavailableError, UnauthenticatedError } from "../errors.js";
import type { ConnectionGate } from "../realtime/operations.js";
import { bearerToken, type TokenClaims } from "./tokens.js";

/** Where clients put the token in a connection's init payload: ours, and what mobile samples send. */
function tokenOf(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  const headers = typeof params["headers"] === "object" && params["headers"] !== null ? (params["headers"] as Record<string, unknown>) : {};
  for (const value of [params["authorization"], params["Authorization"], headers["authorization"], headers["Authorization"]]) {
    const token = bearerToken(value);
    if (token) return token;
  }
  return undefined;
}

const sessionEnded = () => new UnauthenticatedError("Your session has ended: log in again.");

/**
 * Who a request or a connection's operation acts for, checked at its start against the
 * present (users and sessions as they are now), for HTTP and every streaming transport alike.
 */
export function requestAuthentication(orm: MikroORM, services: Services, clientAddress: (request: IncomingMessage) => string) {
  const { auth } = services;

  // Checks read plain rows (users, sessions), never entities, so they can share one
  // EntityManager, whose identity map stays empty: a fork per check was a noticeable part of
  // a connect storm's CPU, and of an HTTP request's.
  const reads = orm.em.fork();

  /** The context of one HTTP request; UNAUTHENTICATED (401) when a token is given that no longer counts. */
  async function httpContext(request: IncomingMessage): Promise<Context> {
    const address = clientAddress(request);
    const header = request.headers.authorization;
    if (header === undefined || header === "") return new OperationContext(orm, null, null, address, services, null);
    const token = bearerToken(header);
    const claims = token ? auth.verify(token) : null;
    if (!claims) throw new UnauthenticatedError("Invalid or expired token.");
    const checked = await auth.check(reads, claims).catch((err: unknown) => {
      throw isDatabaseUnavailable(err) ? new ServiceUnavailableError(true) : err;
    });
    if (!checked) throw sessionEnded();
    return new OperationContext(orm, checked.user, claims, address, services, null);
  }

  const gate: ConnectionGate<TokenClaims> = {
    async admit(params) {
      const token = tokenOf(params);
      const claims = token ? auth.verify(token) : null;
      if (!claims) return { refused: "unauthorized" };
      try {
        const checked = await auth.check(reads, claims, { fresh: true });
        return checked ? { principal: claims, userKey: claims.userId, until: checked.until } : { refused: "unauthorized" };
      } catch (err) {
        if (isDatabaseUnavailable(err)) return { refused: "unavailable" };
        throw err;
      }
    },
    async context(claims, address, flow) {
      const checked = await auth.check(reads, claims);
      if (!checked) throw sessionEnded();
      return new OperationContext(orm, checked.user, claims, address ?? "unknown", services, flow);
    },
    async revalidate(claims) {
      return (await auth.check(reads, claims))?.until ?? null;
    },
  };

  return { httpContext, gate };
}
