import { type GraphQLSchema, printSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { AuthResolver } from "./auth/auth.resolver.js";
import { authChecker } from "./auth/guards.js";
import { CourseResolver } from "./courses/course.resolver.js";
import { MessageResolver, renderMessageAdded } from "./messages/message.resolver.js";
import { ModerationResolver, renderRoomEvent } from "./moderation/moderation.resolver.js";
import { createInProcessRoomBus, toTypeGraphqlPubSub } from "./realtime/room-bus.js";

export async function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    pubSub,
    resolvers: [AuthResolver, CourseResolver, MessageResolver, ModerationResolver],
    authChecker,
    // Inputs are validated in the services (zod), where the contract's codes are thrown.
    validate: false,
  });
  resolveSubscriptionsSynchronously(schema, { messageAdded: renderMessageAdded, roomEvents: renderRoomEvent });
  return schema;
}

/**
 * type-graphql resolves a field with @Args through its argument validator, which is async even
 * with validation off, so each room event would render a turn later, in a promise. These fields
 * only map their event, so they are resolved synchronously: an event then renders once and
 * reaches every caught-up socket within the publishing call (realtime/shared-execution.ts).
 */
function resolveSubscriptionsSynchronously(schema: GraphQLSchema, renderers: Record<string, (event: never) => unknown>): void {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, render] of Object.entries(renderers)) {
    const field = fields[name];
    if (!field) throw new Error(`no subscription field ${name}`);
    field.resolve = (event: unknown) => render(event as never);
  }
}

/** The text of the checked-in schema.graphql. */
export async function schemaText(): Promise<string> {
  return `${printSchema(await createSchema(toTypeGraphqlPubSub(createInProcessRoomBus(""))))}\n`;
}
