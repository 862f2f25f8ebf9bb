import { type GraphQLSchema, printSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { AuthResolver } from "./auth/auth.resolver.js";
import type { CurrentUser } from "./auth/current-user.js";
import { authChecker } from "./auth/guards.js";
import type { Context } from "./context.js";
import { CourseResolver } from "./courses/course.resolver.js";
import { RoomMembersResolver } from "./courses/room-members.resolver.js";
import { MessageSearchResolver } from "./messages/message-search.resolver.js";
import { MessageResolver, renderMessageAdded } from "./messages/message.resolver.js";
import { renderRoomEvent } from "./messages/room-event.type.js";
import { ModerationResolver } from "./moderation/moderation.resolver.js";
import { PresenceResolver } from "./presence/presence.resolver.js";
import { QuestionResolver } from "./questions/question.resolver.js";
import { ReactionResolver } from "./reactions/reaction.resolver.js";
import { ReadStateResolver, RoomUpdatesResolver, UserReadStateResolver } from "./readstate/read-state.resolver.js";
import { createInProcessRoomBus, toTypeGraphqlPubSub } from "./realtime/room-bus.js";
import { describeSchema } from "./schema-descriptions.js";

export async function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    pubSub,
    resolvers: [AuthResolver, CourseResolver, RoomMembersResolver, MessageResolver, MessageSearchResolver, ReactionResolver, QuestionResolver, ModerationResolver, ReadStateResolver, RoomUpdatesResolver, UserReadStateResolver, PresenceResolver],
    authChecker,
    // Inputs are validated in the services (zod), where the contract's codes are thrown.
    validate: false,
  });
  resolveSubscriptionsSynchronously(schema, { messageAdded: renderMessageAdded, roomEvents: renderRoomEvent });
  describeSchema(schema);
  return schema;
}

/**
 * type-graphql resolves a field with @Args through its argument validator, which is async even
 * with validation off, so each room event would render a turn later, in a promise. These fields
 * only map their event, so they are resolved synchronously: an event then renders once and
 * reaches every caught-up socket within the publishing call (realtime/shared-execution.ts).
 */
function resolveSubscriptionsSynchronously(schema: GraphQLSchema, renderers: Record<string, (event: never, viewer: CurrentUser | null) => unknown>): void {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, render] of Object.entries(renderers)) {
    const field = fields[name];
    if (!field) throw new Error(`no subscription field ${name}`);
    field.resolve = (event: unknown, _args: unknown, context: Context) => render(event as never, context.user);
  }
}

/** The text of the checked-in schema.graphql. */
export async function schemaText(): Promise<string> {
  return `${printSchema(await createSchema(toTypeGraphqlPubSub(createInProcessRoomBus(""))))}\n`;
}
