import { Arg, Args, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { CredentialsArgs } from "./auth.args.js";
import { requireUser } from "./guards.js";
import { Role, User } from "./user.entity.js";

@ObjectType({ description: "What register, login and refreshToken return." })
class AuthPayload {
  @Field(() => String, { description: "Send as `Authorization: Bearer <token>` (HTTP) or in connection_init (WebSocket)." })
  token!: string;

  @Field(() => User, { description: "The user the token belongs to." })
  user!: User;
}

@Resolver()
export class AuthResolver {
  @Query(() => User, { nullable: true, description: "The user the request's token belongs to." })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    const user = requireUser(ctx);
    return ctx.em.findOne(User, { id: user.id });
  }

  @Mutation(() => AuthPayload, { description: "Creates a student account and logs it in." })
  register(@Args(() => CredentialsArgs) { username, password }: CredentialsArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.register(ctx.em, username, password, ctx.clientAddress);
  }

  @Mutation(() => AuthPayload, { description: "Exchanges a username and password for a token." })
  login(@Args(() => CredentialsArgs) { username, password }: CredentialsArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.login(ctx.em, username, password, ctx.clientAddress);
  }

  @Authorized()
  @Mutation(() => AuthPayload, {
    description:
      "Exchanges the request's still-valid token for the next one of its session, valid for a full TOKEN_TTL but never past " +
      "the session's maximum age (SESSION_MAX_AGE after the login), with the user as stored now. The presented token stops " +
      "counting a minute later, and sockets opened with it are then closed with 4401: reconnect with the new one. " +
      "An expired, revoked or invalid token, or a session past its maximum age, is UNAUTHENTICATED: log in again.",
  })
  refreshToken(@Ctx() ctx: Context): Promise<AuthPayload> {
    requireUser(ctx);
    return ctx.services.auth.refresh(ctx.em, ctx.claims!);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: "Logs this device out: the request's token and its session stop counting at once, and its open sockets close with 4401, on every instance.",
  })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    requireUser(ctx);
    await ctx.services.auth.logout(ctx.em, ctx.claims!);
    return true;
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: "Logs every device of the current user out: all their tokens stop counting and their open sockets close with 4401, on every instance.",
  })
  async logoutEverywhere(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.auth.logoutEverywhere(ctx.em, requireUser(ctx).id);
    return true;
  }

  @Authorized(Role.Staff)
  @Mutation(() => User, { description: "Staff only: makes a user a student, an instructor or staff." })
  setRole(
    @Arg("username", () => String, { description: "Whose role to change." }) username: string,
    @Arg("role", () => Role, { description: "The new role." }) role: Role,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.services.auth.setRole(ctx.em, username, role);
  }
}
