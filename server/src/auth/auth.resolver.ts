import { Arg, Args, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { CredentialsArgs } from "./auth.args.js";
import { requireUser } from "./guards.js";
import { Role, User } from "./user.entity.js";

@ObjectType({ description: "What register and login return." })
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
    return ctx.services.auth.register(ctx.em, username, password);
  }

  @Mutation(() => AuthPayload, { description: "Exchanges a username and password for a token." })
  login(@Args(() => CredentialsArgs) { username, password }: CredentialsArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.login(ctx.em, username, password, ctx.clientAddress);
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
