import { Args, Ctx, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import type { CurrentUser } from "../auth/current-user.js";
import { requireUser } from "../auth/guards.js";
import type { Context } from "../context.js";
import { EditMessageArgs, MessageAddedArgs, MessagesArgs, RoomEventsArgs, SendMessageArgs, ThreadArgs } from "./message.args.js";
import { viewFor } from "./anonymity.js";
import type { MessageData } from "./message-data.js";
import { MessageView } from "./message.type.js";
import { RoomEvent, renderRoomEvent } from "./room-event.type.js";
import type { MessageEvent } from "./room-view.js";

/** What `messageAdded` resolves an event to, as the viewer may see it; see resolveSubscriptionsSynchronously. */
export const renderMessageAdded = (event: MessageEvent, viewer: CurrentUser | null): MessageData => viewFor(viewer, event.message!);

@Resolver(() => MessageView)
export class MessageResolver {
  @Query(() => [MessageView], { description: "The last `last` messages of a course chat room, oldest first. Members only." })
  messages(@Args(() => MessagesArgs) args: MessagesArgs, @Ctx() ctx: Context): Promise<MessageData[]> {
    return ctx.services.messages.history(ctx.em, requireUser(ctx), args.courseId, { last: args.last ?? 5, before: args.before, after: args.after });
  }

  @Query(() => [MessageView], {
    description: "A thread's replies, oldest first: the last `last` (1 to 100), or paged with `before`/`after`. Readable even once its first message was deleted. Members only.",
  })
  thread(@Args(() => ThreadArgs) args: ThreadArgs, @Ctx() ctx: Context): Promise<MessageData[]> {
    return ctx.services.messages.thread(ctx.em, requireUser(ctx), args.messageId, { last: args.last ?? 20, before: args.before, after: args.after });
  }

  @Mutation(() => MessageView, { description: "Members only. Stored first, then delivered to every subscriber of the room." })
  sendMessage(@Args(() => SendMessageArgs) args: SendMessageArgs, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.messages.send(ctx, requireUser(ctx), args.courseId, args.content, {
      clientMessageId: args.clientMessageId,
      replyToId: args.replyToId,
      kind: args.kind,
      anonymous: args.anonymous,
      private: args.private,
    });
  }

  @Mutation(() => MessageView, {
    description:
      "Edits your own message within the edit window (EDIT_WINDOW, 15 minutes by default); nobody, moderators included, may rewrite another's words. " +
      "The same content rules, room settings and rate limit as sendMessage. Every open room shows the edit; moderators see each earlier version.",
  })
  editMessage(@Args(() => EditMessageArgs) args: EditMessageArgs, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.messages.edit(ctx.em, requireUser(ctx), args.messageId, args.content);
  }

  @Subscription(() => MessageView, {
    description:
      "Every message sent to the course's room after the subscription starts, on whichever server instance it was sent. " +
      "With `after`, first the stored messages newer than that id, then the live ones: no gap, no duplicate. Members only.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, MessageAddedArgs, Context>) =>
      context.services.messages.subscribe(requireUser(context), args.courseId, args.after, context.flow),
  })
  messageAdded(@Root() event: MessageEvent, @Args(() => MessageAddedArgs) _args: MessageAddedArgs, @Ctx() ctx: Context): MessageData {
    return renderMessageAdded(event, ctx.user);
  }

  @Subscription(() => RoomEvent, {
    description:
      "The room as one ordered stream of every change: messages added, edited and deleted, reactions, threads, settings. " +
      "With `after` (a RoomEvent's `cursor`, or a message's id), first every event after it, then live ones: each exactly once. " +
      "Ends with FORBIDDEN when the subscriber loses the room. Members only.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, RoomEventsArgs, Context>) =>
      context.services.messages.roomStream(requireUser(context), args.courseId, args.after, context.flow),
  })
  roomEvents(@Root() event: MessageEvent, @Args(() => RoomEventsArgs) _args: RoomEventsArgs, @Ctx() ctx: Context): RoomEvent {
    return renderRoomEvent(event, ctx.user);
  }
}
