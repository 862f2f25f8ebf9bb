import { ArgsType, Field, ID, Int } from "type-graphql";
import { MessageKind } from "./message.type.js";

@ArgsType()
export class MessagesArgs {
  @Field(() => ID, { description: "The course whose room to read." })
  courseId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 5, description: "How many messages, 1 to 100." })
  last?: number | null;

  @Field(() => ID, { nullable: true, description: "Page back: the newest `last` messages older than this id." })
  before?: string | null;

  @Field(() => ID, { nullable: true, description: "Page forward: the oldest `last` messages newer than this id." })
  after?: string | null;
}

@ArgsType()
export class ThreadArgs {
  @Field(() => ID, { description: "The thread's first message, or any reply in it." })
  messageId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: "How many replies, 1 to 100." })
  last?: number | null;

  @Field(() => ID, { nullable: true, description: "Page back: the newest `last` replies older than this id." })
  before?: string | null;

  @Field(() => ID, { nullable: true, description: "Page forward: the oldest `last` replies newer than this id." })
  after?: string | null;
}

@ArgsType()
export class SendMessageArgs {
  @Field(() => ID, { description: "The course whose room to post in." })
  courseId!: string;

  @Field(() => String, { description: "Plain text; trimmed; 1 to 4000 characters (Unicode code points). `@username`, `@instructor` and `@staff` mention members." })
  content!: string;

  @Field(() => String, {
    nullable: true,
    description: "The client's own id for this message (1 to 64 characters, unique per user and course): a retried send with the same id returns the original message instead of posting twice.",
  })
  clientMessageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Reply to this message of the room: the reply joins its thread (a reply to a reply joins the same thread)." })
  replyToId?: string | null;

  @Field(() => MessageKind, { nullable: true, defaultValue: MessageKind.MESSAGE, description: "QUESTION posts a course question (not a reply): its replies are its answers." })
  kind?: MessageKind | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Students only, for a question or an answer to one: classmates see a pseudonym, stable within the thread; the instructor and staff see who it is.",
  })
  anonymous?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "For a question: only its asker, the instructor and staff see it and its answers." })
  private?: boolean | null;
}

@ArgsType()
export class EditMessageArgs {
  @Field(() => ID, { description: "The message to edit: your own, within the edit window (EDIT_WINDOW, 15 minutes by default)." })
  messageId!: string;

  @Field(() => String, { description: "The new text, with the same rules as sendMessage's content." })
  content!: string;
}

@ArgsType()
export class MessageAddedArgs {
  @Field(() => ID, { description: "The course whose room to follow." })
  courseId!: string;

  @Field(() => ID, { nullable: true, description: "Resume: first replay the stored messages newer than this id." })
  after?: string | null;
}

@ArgsType()
export class RoomEventsArgs {
  @Field(() => ID, { description: "The course whose room to follow." })
  courseId!: string;

  @Field(() => ID, {
    nullable: true,
    description: "Resume: first replay every event after this cursor (a RoomEvent's `cursor`, or a message's id), then live ones.",
  })
  after?: string | null;
}
