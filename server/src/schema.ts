import { type GraphQLSchema, printSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { AuthResolver } from "./auth/auth.resolver.js";
import { authChecker } from "./auth/guards.js";
import { CourseResolver } from "./courses/course.resolver.js";
import { MessageResolver } from "./messages/message.resolver.js";
import { ModerationResolver } from "./moderation/moderation.resolver.js";
import { createInProcessRoomBus, toTypeGraphqlPubSub } from "./realtime/room-bus.js";

export function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    pubSub,
    resolvers: [AuthResolver, CourseResolver, MessageResolver, ModerationResolver],
    authChecker,
    // Inputs are validated in the services (zod), where the contract's codes are thrown.
    validate: false,
  });
}

/** The text of the checked-in schema.graphql. */
export async function schemaText(): Promise<string> {
  return `${printSchema(await createSchema(toTypeGraphqlPubSub(createInProcessRoomBus(""))))}\n`;
}
