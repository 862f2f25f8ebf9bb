import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { User } from "../auth/user.entity.js";
import type { AnswerData, Author, MessageData, MessageKindData, MessageReferenceData, QuestionData, QuestionStatusData, ReactionData } from "./message-data.js";

export enum MessageKind {
  MESSAGE = "MESSAGE",
  QUESTION = "QUESTION",
}
registerEnumType(MessageKind, {
  name: "MessageKind",
  description: "What a message is.",
  valuesConfig: {
    MESSAGE: { description: "A chat message." },
    QUESTION: { description: "A course question: its replies are its answers, and it has a status." },
  },
});

export enum QuestionStatus {
  OPEN = "OPEN",
  ANSWERED = "ANSWERED",
  RESOLVED = "RESOLVED",
}
registerEnumType(QuestionStatus, {
  name: "QuestionStatus",
  description: "Where a course question stands.",
  valuesConfig: {
    OPEN: { description: "Waiting for an answer from the instructor or staff (or one the asker accepts): in the staff queue." },
    ANSWERED: { description: "The instructor or staff answered, or the asker accepted an answer." },
    RESOLVED: { description: "The asker, the instructor or staff closed it (it can be reopened)." },
  },
});

@ObjectType("Question", { description: "A course question's state, on the first message of its thread." })
export class QuestionView implements QuestionData {
  @Field(() => QuestionStatus, { description: "OPEN, ANSWERED or RESOLVED." })
  status!: QuestionStatusData;

  @Field(() => GraphQLDateTimeISO, { description: "When it was asked." })
  askedAt!: string;

  @Field(() => Boolean, { description: "Only its asker, the instructor and staff see it and its answers." })
  private!: boolean;

  @Field(() => ID, { nullable: true, description: "The answer its asker accepted." })
  acceptedAnswerId!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When it was first marked answered." })
  answeredAt!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When it was resolved; null while not." })
  resolvedAt!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When the instructor or staff first answered." })
  firstStaffAnswerAt!: string | null;
}

@ObjectType("Answer", { description: "A reply in a question's thread, as an answer." })
export class AnswerView implements AnswerData {
  @Field(() => Boolean, { description: "Endorsed by the instructor or staff: show it first, marked." })
  endorsed!: boolean;

  @Field(() => Boolean, { description: "The answer the asker accepted." })
  accepted!: boolean;
}

/**
 * GraphQL's view of MessageData: the same object, field for field (dates as ISO strings, which
 * the DateTimeISO scalar serialises as they are). Nothing here depends on who is looking, but
 * Reaction.reactedByMe (see room-view.ts for how shared renderings account for it).
 */
@ObjectType("MessageReference", { description: "The message a reply answers, quoted: enough to show it, even once deleted." })
export class MessageReferenceView implements MessageReferenceData {
  @Field(() => ID, { description: "The message's id." })
  id!: string;

  @Field(() => User, { description: "Who sent it." })
  user!: Author;

  @Field(() => String, { description: "The start of its content (at most 120 characters); empty once it was deleted." })
  preview!: string;

  @Field(() => Boolean, { description: "True when a moderator or its author deleted it: show a \"message deleted\" marker instead." })
  deleted!: boolean;

  anonymous!: boolean;
  pseudonym!: Author | null;
}

@ObjectType("Reaction", { description: "Everyone's reactions to a message with one emoji." })
export class ReactionView implements ReactionData {
  @Field(() => String, { description: "One emoji (a single grapheme)." })
  emoji!: string;

  @Field(() => Int, { description: "How many members reacted with it." })
  count!: number;

  /** Who reacted, in order; read by reactedByMe and users (reaction.resolver.ts). */
  userIds!: string[];
  on!: ReactionData["on"];
}

@ObjectType("Message", { description: "One chat message of a course's room." })
export class MessageView implements MessageData {
  @Field(() => ID, { description: "Increasing: a later message in a course always has a larger id. It is also a room event cursor (the event that added it)." })
  id!: string;

  @Field(() => ID, { description: "The course whose room the message belongs to." })
  courseId!: string;

  @Field(() => String, { description: "Plain text, exactly as sent after trimming (or as last edited); never HTML." })
  content!: string;

  @Field(() => GraphQLDateTimeISO, { description: "When the server accepted the message (ISO 8601, UTC)." })
  sentOn!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When its author last edited it; null until then." })
  editedAt!: string | null;

  @Field(() => User, { description: "Who sent the message." })
  user!: Author;

  @Field(() => MessageReferenceView, { nullable: true, description: "The message this one replies to, quoted; null when it is not a reply." })
  replyTo!: MessageReferenceData | null;

  @Field(() => ID, { nullable: true, description: "The first message of the thread this reply is in (`thread(messageId:)` pages it); null for a message that is not a reply." })
  threadRootId!: string | null;

  @Field(() => Int, { description: "On a thread's first message: how many replies it has (deleted ones not counted); 0 otherwise." })
  replyCount!: number;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "On a thread's first message: when its latest reply was sent." })
  lastReplyAt!: string | null;

  @Field(() => [ReactionView], { description: "Reactions, one entry per emoji, in the order each was first used." })
  reactions!: ReactionData[];

  @Field(() => [User], { description: "Members the message mentions (`@username`, or everyone behind `@instructor` / `@staff`), as the server resolved them." })
  mentions!: Author[];

  @Field(() => MessageKind, { description: "MESSAGE, or QUESTION for one of the course's questions (see MessageKind)." })
  kind!: MessageKindData;

  @Field(() => Boolean, {
    description: "Posted anonymously: classmates see a pseudonym as `user`, stable within the question's thread; the instructor and staff see who wrote it.",
  })
  anonymous!: boolean;

  @Field(() => QuestionView, { nullable: true, description: "For a QUESTION: its status and answers' state." })
  question!: QuestionData | null;

  @Field(() => AnswerView, { nullable: true, description: "For a reply in a question's thread: whether it is endorsed or accepted." })
  answer!: AnswerData | null;

  pseudonym!: Author | null;
  privateTo!: string | null;
  courseOwnerId!: string;
}
