import { Args, Ctx, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import type { Context } from "../context.js";
import { MessageAddedArgs, MessagesArgs, SendMessageArgs } from "./message.args.js";
import { type MessagePayload, MessageView } from "./message.type.js";

/** What `messageAdded` resolves an event to; see resolveSubscriptionsSynchronously. */
export const renderMessageAdded = (payload: MessagePayload): MessageView => MessageView.fromPayload(payload);

@Resolver(() => MessageView)
export class MessageResolver {
  @Query(() => [MessageView], { description: "The last `last` messages of a course chat room, oldest first. Members only." })
  messages(@Args(() => MessagesArgs) args: MessagesArgs, @Ctx() ctx: Context): Promise<MessageView[]> {
    return ctx.services.messages.history(ctx.em, requireUser(ctx), args.courseId, {
      last: args.last ?? 5,
      before: args.before,
      after: args.after,
    });
  }

  @Mutation(() => MessageView, { description: "Members only. Stored first, then delivered to every subscriber of the room." })
  sendMessage(@Args(() => SendMessageArgs) args: SendMessageArgs, @Ctx() ctx: Context): Promise<MessageView> {
    return ctx.services.messages.send(ctx.em, requireUser(ctx), args.courseId, args.content, args.clientMessageId);
  }

  @Subscription(() => MessageView, {
    description:
      "Every message sent to the course's room after the subscription starts, on whichever server instance it was sent. " +
      "With `after`, first the stored messages newer than that id, then the live ones: no gap, no duplicate. Members only.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, MessageAddedArgs, Context>) =>
      context.services.messages.subscribe(requireUser(context), args.courseId, args.after),
  })
  messageAdded(@Root() payload: MessagePayload, @Args(() => MessageAddedArgs) _args: MessageAddedArgs): MessageView {
    return renderMessageAdded(payload);
  }
}
