import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Role, User } from "../auth/user.entity.js";
import type { Message } from "./message.entity.js";

/**
 * A message as it travels through pub/sub: plain JSON (string ids, ISO date) so it survives
 * Redis intact. `previousId` is the course's message just before this one, which lets a
 * subscriber notice a missing predecessor and fetch it.
 */
export interface MessagePayload {
  kind: "added";
  id: string;
  courseId: string;
  content: string;
  sentOn: string;
  user: { id: string; username: string; role: Role };
  previousId: string | null;
}

/** What a payload needs of a stored message: an entity, or the row `store` just inserted. */
export type StoredMessage = Pick<Message, "id" | "content" | "sentOn"> & { course: { id: number } };

export function toPayload(message: StoredMessage, author: { id: number; username: string; role: Role }, previousId: number | null): MessagePayload {
  return {
    kind: "added",
    id: String(message.id),
    courseId: String(message.course.id),
    content: message.content,
    sentOn: message.sentOn.toISOString(),
    user: { id: String(author.id), username: author.username, role: author.role },
    previousId: previousId === null ? null : String(previousId),
  };
}

/** A moderator removed a message: rooms drop it. */
export interface MessageDeletedPayload {
  kind: "deleted";
  id: string;
  courseId: string;
}

/** A member lost the room (removed, or left): their subscriptions to it end. */
export interface MemberRevokedPayload {
  kind: "revoked";
  courseId: string;
  userId: string;
}

/** Everything published on a course's room channel, in the order the room lock gave it. */
export type RoomPayload = MessagePayload | MessageDeletedPayload | MemberRevokedPayload;

@ObjectType("Message", { description: "One chat message of a course's room." })
export class MessageView {
  @Field(() => ID, { description: "Increasing: a later message in a course always has a larger id." })
  id!: string;

  @Field(() => ID, { description: "The course whose room the message belongs to." })
  courseId!: string;

  @Field(() => String, { description: "Plain text, exactly as sent after trimming; never HTML." })
  content!: string;

  @Field(() => GraphQLDateTimeISO, { description: "When the server accepted the message (ISO 8601, UTC)." })
  sentOn!: Date;

  @Field(() => User, { description: "Who sent the message." })
  user!: Pick<User, "id" | "username" | "role">;

  static fromPayload(payload: MessagePayload): MessageView {
    return Object.assign(new MessageView(), {
      id: payload.id,
      courseId: payload.courseId,
      content: payload.content,
      sentOn: new Date(payload.sentOn),
      user: { id: Number(payload.user.id), username: payload.user.username, role: payload.user.role },
    });
  }

  static fromEntity(message: Message): MessageView {
    return Object.assign(new MessageView(), {
      id: String(message.id),
      courseId: String(message.course.id),
      content: message.content,
      sentOn: message.sentOn,
      user: { id: message.user.id, username: message.user.username, role: message.user.role },
    });
  }
}
