import { ArgsType, Field, ID, Int } from "type-graphql";

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
export class SendMessageArgs {
  @Field(() => ID, { description: "The course whose room to post in." })
  courseId!: string;

  @Field(() => String, { description: "Plain text; trimmed; 1 to 4000 characters (Unicode code points)." })
  content!: string;

  @Field(() => String, {
    nullable: true,
    description: "The client's own id for this message (1 to 64 characters, unique per user and course): a retried send with the same id returns the original message instead of posting twice.",
  })
  clientMessageId?: string | null;
}

@ArgsType()
export class MessageAddedArgs {
  @Field(() => ID, { description: "The course whose room to follow." })
  courseId!: string;

  @Field(() => ID, { nullable: true, description: "Resume: first replay the stored messages newer than this id." })
  after?: string | null;
}
