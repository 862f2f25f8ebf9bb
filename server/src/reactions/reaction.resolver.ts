import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { z } from "zod";
import { requireUser } from "../auth/guards.js";
import { User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { BadUserInputError } from "../errors.js";
import type { MessageData, ReactionData } from "../messages/message-data.js";
import { MessageView, ReactionView } from "../messages/message.type.js";
import { parseInput } from "../validation.js";

@ArgsType()
class ReactionArgs {
  @Field(() => ID, { description: "The message to react to." })
  messageId!: string;

  @Field(() => String, { description: "One emoji (a single grapheme, as Unicode lists emoji)." })
  emoji!: string;
}

const firstSchema = z.number().int().min(1, "first must be between 1 and 100.").max(100, "first must be between 1 and 100.");

@Resolver(() => ReactionView)
export class ReactionResolver {
  @Mutation(() => MessageView, {
    description:
      "Reacts to a message with one emoji (once per emoji; again changes nothing). Members only, with the same room rules and rate limit as sending; " +
      "at most 20 different emoji per message. Every open room shows it.",
  })
  addReaction(@Args(() => ReactionArgs) args: ReactionArgs, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.reactions.add(ctx.em, requireUser(ctx), args.messageId, args.emoji);
  }

  @Mutation(() => MessageView, { description: "Takes back your reaction with this emoji (none: nothing changes)." })
  removeReaction(@Args(() => ReactionArgs) args: ReactionArgs, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.reactions.remove(ctx.em, requireUser(ctx), args.messageId, args.emoji);
  }

  @FieldResolver(() => Boolean, { description: "True when the current user reacted with this emoji." })
  reactedByMe(@Root() reaction: ReactionData, @Ctx() ctx: Context): boolean {
    return ctx.user !== null && reaction.userIds.includes(String(ctx.user.id));
  }

  @FieldResolver(() => [User], { description: "Who reacted with this emoji, in the order they did: `first` of them (1 to 100), after the user `after`." })
  async users(
    @Root() reaction: ReactionData,
    @Arg("first", () => Int, { defaultValue: 20, description: "How many, 1 to 100." }) first: number,
    @Arg("after", () => ID, { nullable: true, description: "The last user of the previous page." }) after: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<User[]> {
    const count = parseInput(firstSchema, first, "first");
    const start = after === null || after === undefined ? 0 : reaction.userIds.indexOf(after) + 1;
    if (start === 0 && after !== null && after !== undefined) throw new BadUserInputError("after must be a user of this reaction.", "after");
    const ids = reaction.userIds.slice(start, start + count).map(Number);
    const users = await ctx.em.find(User, { id: { $in: ids } }, { disableIdentityMap: true });
    const byId = new Map(users.map((u) => [u.id, u]));
    // Who reacts in a thread where they post anonymously reacts under that thread's pseudonym, for classmates.
    const hidden = await ctx.services.questions.pseudonymsOfReactors(ctx.em, reaction, ids, requireUser(ctx));
    return ids.flatMap((id) => hidden.get(id) ?? byId.get(id) ?? []) as User[];
  }
}
