import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import type { Context } from "../context.js";
import type { MessageData, QuestionData } from "../messages/message-data.js";
import { MessageView, QuestionView } from "../messages/message.type.js";
import type { QueueUpdate } from "./question.service.js";

@ArgsType()
class OpenQuestionsArgs {
  @Field(() => ID, { nullable: true, description: "Only this course; every course the caller moderates when absent." })
  courseId?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: "Page size, 1 to 200." })
  first?: number | null;

  @Field(() => ID, { nullable: true, description: "The last question of the previous page." })
  after?: string | null;
}

@ArgsType()
class SimilarQuestionsArgs {
  @Field(() => ID, { description: "The course whose questions to look through." })
  courseId!: string;

  @Field(() => String, { description: "What is being typed: at least 3 characters." })
  text!: string;

  @Field(() => Int, { nullable: true, defaultValue: 5, description: "How many, 1 to 20." })
  first?: number | null;
}

@ObjectType("OpenQuestionUpdate", { description: "A change to the staff queue." })
class OpenQuestionUpdate {
  @Field(() => ID, { description: "The question's course." })
  courseId!: string;

  @Field(() => ID, { description: "The question." })
  questionId!: string;

  @Field(() => Boolean, { description: "Whether it now waits in the queue (OPEN); false once answered, resolved or deleted." })
  open!: boolean;

  @Field(() => MessageView, { nullable: true, description: "The question as it is now; null once deleted." })
  question!: MessageData | null;
}

const messageId = () => Arg("messageId", () => ID, { description: "The message." });

@Resolver(() => QuestionView)
export class QuestionResolver {
  @FieldResolver(() => Int, { description: "How long it has waited for a first answer from the instructor or staff, in seconds (until that answer came)." })
  waitingSeconds(@Root() question: QuestionData): number {
    const end = question.firstStaffAnswerAt ? Date.parse(question.firstStaffAnswerAt) : Date.now();
    return Math.max(0, Math.floor((end - Date.parse(question.askedAt)) / 1000));
  }

  @Mutation(() => MessageView, { description: "The course's instructor or staff endorse an answer (or, with `endorsed: false`, take it back): shown first, and marked." })
  endorseAnswer(
    @messageId() id: string,
    @Arg("endorsed", () => Boolean, { defaultValue: true, description: "False takes the endorsement back." }) endorsed: boolean,
    @Ctx() ctx: Context,
  ): Promise<MessageData> {
    return ctx.services.questions.endorse(ctx.em, requireUser(ctx), id, endorsed);
  }

  @Mutation(() => MessageView, { description: "The asker accepts an answer to their question (one at a time; `accepted: false` takes it back): the question is answered." })
  acceptAnswer(
    @messageId() id: string,
    @Arg("accepted", () => Boolean, { defaultValue: true, description: "False takes the acceptance back." }) accepted: boolean,
    @Ctx() ctx: Context,
  ): Promise<MessageData> {
    return ctx.services.questions.accept(ctx.em, requireUser(ctx), id, accepted);
  }

  @Mutation(() => MessageView, { description: "The asker, the instructor or staff mark a question resolved." })
  resolveQuestion(@messageId() id: string, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.questions.setResolved(ctx.em, requireUser(ctx), id, true);
  }

  @Mutation(() => MessageView, { description: "The asker, the instructor or staff open a resolved question again: it is back in the staff queue." })
  reopenQuestion(@messageId() id: string, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.questions.setResolved(ctx.em, requireUser(ctx), id, false);
  }

  @Mutation(() => MessageView, {
    description: "The course's instructor or staff make an anonymous message's author known to everyone (when anonymity is misused). Recorded: who revealed it, and when.",
  })
  revealAuthor(@messageId() id: string, @Ctx() ctx: Context): Promise<MessageData> {
    return ctx.services.questions.reveal(ctx.em, requireUser(ctx), id);
  }

  @Query(() => [MessageView], {
    description: "The staff queue: open questions of the courses the caller moderates (staff: every course), oldest first, each with `question.waitingSeconds`.",
  })
  openQuestions(@Args(() => OpenQuestionsArgs) args: OpenQuestionsArgs, @Ctx() ctx: Context): Promise<MessageData[]> {
    return ctx.services.questions.openQuestions(ctx.em, requireUser(ctx), args.courseId, args.first ?? 50, args.after);
  }

  @Query(() => [MessageView], {
    description: "Earlier questions of the course that read like `text`, best first: suggest them while a student types a question. Members only.",
  })
  similarQuestions(@Args(() => SimilarQuestionsArgs) args: SimilarQuestionsArgs, @Ctx() ctx: Context): Promise<MessageData[]> {
    return ctx.services.questions.similar(ctx.em, requireUser(ctx), args.courseId, args.text, args.first ?? 5);
  }

  @Subscription(() => OpenQuestionUpdate, {
    description: "The staff queue, live: every question of the caller's courses that joins or leaves it, or changes. Instructors and staff only.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { courseId?: string | null }, Context>) =>
      context.services.questions.queue(requireUser(context), args.courseId),
  })
  openQuestionsUpdated(
    @Root() update: QueueUpdate,
    @Arg("courseId", () => ID, { nullable: true, description: "Only this course." }) _courseId: string | null,
  ): QueueUpdate {
    return update;
  }
}
