import { isEnumType, isObjectType, type GraphQLSchema } from "graphql";

const rootTypes: Record<"Query" | "Mutation" | "Subscription", string> = {
  Query:
    "Reads. The course catalogue (`courses`, `course`) is open to anyone; everything else needs a logged-in user " +
    "(`Authorization: Bearer <token>`). Over HTTP (GET or POST) or a WebSocket.",
  Mutation:
    "Changes. `register` and `login` are open to anyone; everything else needs a logged-in user. Over HTTP POST " +
    "(never GET) or a WebSocket.",
  Subscription:
    "Live events, for members of a room. Over a transport that streams: a WebSocket at /graphql (subprotocol " +
    "graphql-transport-ws or graphql-ws), or HTTP with `Accept: multipart/mixed;subscriptionSpec=1.0` or " +
    "`Accept: text/event-stream`; a plain HTTP request is answered 406. Resume with `after`.",
};

/** By enum; a value named here that the enum does not have fails at start. */
const enumValues: Record<string, Record<string, string>> = {
  Role: {
    Student: "Enrols in courses and talks in their rooms. Everyone who registers starts as one.",
    Instructor: "Creates courses, and moderates the rooms of the courses they own.",
    Staff: "A member of every course: moderates every room, changes roles, and is exempt from the send rate limit.",
  },
  RoomEventKind: {
    MessageAdded: "A message was sent to the room: `message` is that message.",
    MessageDeleted: "A message was deleted (by a moderator or its author): drop `messageId`; `message` is null.",
  },
};

/** Field descriptions written where the feature declares them name enum values that do not exist. */
const fields: Record<string, Record<string, string>> = {
  User: { role: "Student, Instructor or Staff: what the user may do." },
  RoomEvent: {
    kind: "What happened: MessageAdded or MessageDeleted.",
    message: "The message as stored, for MessageAdded; null for MessageDeleted.",
  },
};

/**
 * Descriptions set on the built schema: type-graphql has no option for the root types', and the
 * enums are registered without value descriptions. Only what is still undescribed is filled in
 * (the fields above excepted), so a description given where the enum is declared wins.
 * tests/schema-descriptions.test.ts holds every type, field, argument and value to having one.
 */
export function describeSchema(schema: GraphQLSchema): void {
  for (const [name, description] of Object.entries(rootTypes)) {
    const type = schema.getType(name);
    if (type && !type.description) type.description = description;
  }
  for (const [enumName, values] of Object.entries(enumValues)) {
    const type = schema.getType(enumName);
    if (!isEnumType(type)) throw new Error(`no enum ${enumName}`);
    for (const [valueName, description] of Object.entries(values)) {
      const value = type.getValue(valueName);
      if (!value) throw new Error(`no value ${enumName}.${valueName}`);
      value.description ??= description;
    }
  }
  for (const [typeName, descriptions] of Object.entries(fields)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`no object type ${typeName}`);
    for (const [fieldName, description] of Object.entries(descriptions)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`no field ${typeName}.${fieldName}`);
      field.description = description;
    }
  }
}
