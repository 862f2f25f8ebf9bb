import type { AuthChecker } from "type-graphql";
import type { Context } from "../context.js";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { CurrentUser } from "./current-user.js";

export function requireUser(ctx: Pick<Context, "user">): CurrentUser {
  if (!ctx.user) throw new UnauthenticatedError();
  return ctx.user;
}

/**
 * `@Authorized(...roles)`: throws our own codes, since type-graphql's default failure
 * says UNAUTHORIZED, which the contract does not know.
 */
export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  const user = requireUser(context);
  if (roles.length > 0 && !roles.includes(user.role)) throw new ForbiddenError();
  return true;
};
