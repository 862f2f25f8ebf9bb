import { GraphQLDateTimeISO } from "graphql-scalars";
import { ArgsType, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { User } from "../auth/user.entity.js";
import { Course } from "../courses/course.entity.js";

@InputType({ description: "Narrows the message admin list; every field is optional." })
export class MessageFilter {
  @Field(() => ID, { nullable: true, description: "Only this course." })
  courseId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this author." })
  userId?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Sent at or after this moment." })
  sentFrom?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Sent before this moment." })
  sentTo?: Date | null;

  @Field(() => String, { nullable: true, description: "Words the content contains, ignoring case." })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: "Include deleted messages (shown with who deleted them)." })
  includeDeleted?: boolean | null;
}

@ArgsType()
export class AdminMessagesArgs {
  @Field(() => MessageFilter, { nullable: true, description: "What to list; everything visible to the caller when absent." })
  filter?: MessageFilter | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: "Page size, 1 to 200." })
  first?: number | null;

  @Field(() => ID, { nullable: true, description: "The previous page's endCursor." })
  after?: string | null;
}

@ObjectType({ description: "A message as the admin sees it: with its course and moderation state." })
export class MessageRecord {
  @Field(() => ID, { description: "The message's id." })
  id!: string;

  @Field(() => Course, { description: "The course whose room it was sent to." })
  course!: Course;

  @Field(() => User, { description: "Who sent it." })
  user!: User;

  @Field(() => String, { description: "Plain text, as sent." })
  content!: string;

  @Field(() => GraphQLDateTimeISO, { description: "When the server accepted it." })
  sentOn!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When its author last edited it; null if never (`versions` has what it said before)." })
  editedAt!: Date | null;

  @Field(() => Boolean, { description: "Posted anonymously: classmates see a pseudonym (moderators see who it is)." })
  anonymous!: boolean;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When it was deleted; null while it is visible." })
  deletedAt!: Date | null;

  @Field(() => User, { nullable: true, description: "Who deleted it." })
  deletedBy!: User | null;
}

@ObjectType("AuthorReveal", { description: "A moderator made an anonymous message's author known to the room." })
export class AuthorRevealView {
  @Field(() => User, { description: "Who revealed it." })
  revealedBy!: User;

  @Field(() => GraphQLDateTimeISO, { description: "When." })
  revealedAt!: Date;
}

@ObjectType("MessageVersion", { description: "What a message said before an edit." })
export class MessageVersionView {
  @Field(() => String, { description: "The text as it was." })
  content!: string;

  @Field(() => GraphQLDateTimeISO, { description: "When an edit replaced it." })
  replacedAt!: Date;
}

@ObjectType({ description: "One page of the message admin list, newest first." })
export class MessagePage {
  @Field(() => Int, { description: "How many messages match the filter, on every page." })
  totalCount!: number;

  @Field(() => [MessageRecord], { description: "This page's messages, newest first." })
  nodes!: MessageRecord[];

  @Field(() => ID, { nullable: true, description: "Pass as `after` for the next page." })
  endCursor!: string | null;

  @Field(() => Boolean, { description: "Whether another page follows." })
  hasNextPage!: boolean;
}

@ArgsType()
export class RoomSettingsArgs {
  @Field(() => ID, { description: "The course whose room to configure." })
  courseId!: string;

  @Field(() => Boolean, { nullable: true, description: "Only staff and the instructor may post; unchanged when absent." })
  announcementOnly?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Students may post once per this many seconds (0 to 3600; 0 is off); unchanged when absent." })
  slowModeSeconds?: number | null;
}
