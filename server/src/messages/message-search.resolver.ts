import { Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import type { Context } from "../context.js";
import { searchMessages } from "./message-search.service.js";
import type { MessageData } from "./message-data.js";
import { MessageView } from "./message.type.js";

@ArgsType()
class SearchMessagesArgs {
  @Field(() => ID, { description: "The course whose room to search." })
  courseId!: string;

  @Field(() => String, { description: "Text the message contains, ignoring case; 1 to 200 characters." })
  query!: string;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: "How many results, 1 to 50." })
  first?: number | null;

  @Field(() => ID, { nullable: true, description: "Older results: only messages older than this id." })
  before?: string | null;
}

@Resolver()
export class MessageSearchResolver {
  @Query(() => [MessageView], { description: "Messages of a course's room containing `query`, ignoring case, newest first. Members only." })
  async searchMessages(@Args(() => SearchMessagesArgs) args: SearchMessagesArgs, @Ctx() ctx: Context): Promise<MessageData[]> {
    const ids = await searchMessages(ctx.em, ctx.services.courses, requireUser(ctx), args.courseId, { query: args.query, first: args.first ?? 20, before: args.before });
    return ctx.services.messages.dataFor(ctx.em, ids, requireUser(ctx));
  }
}
