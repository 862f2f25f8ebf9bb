import type { EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { CurrentUser } from "../auth/current-user.js";
import type { DatabaseTarget } from "../config.js";
import type { CourseService } from "../courses/course.service.js";
import { BadUserInputError, ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import { viewFor } from "../messages/anonymity.js";
import type { MessageData } from "../messages/message-data.js";
import { Message } from "../messages/message.entity.js";
import type { MessageService } from "../messages/message.service.js";
import { EventKind } from "../timeline/events.js";
import type { TimelineWriter } from "../timeline/timeline-writer.js";
import { parseEmoji } from "./emoji.js";
import { Reaction } from "./reaction.entity.js";

/** Distinct emoji one message may carry: a room's reactions stay readable (and bounded). */
export const MAX_EMOJI_PER_MESSAGE = 20;

/**
 * Reactions: one per user per emoji per message, members only, with the same room rules and
 * rate limit as sending. A change is a room event (ReactionsChanged) carrying the message's
 * reactions as they are now; nothing changes, nothing is appended.
 */
export class ReactionService {
  constructor(
    private readonly database: DatabaseTarget["kind"],
    private readonly courses: CourseService,
    private readonly messages: MessageService,
    private readonly timeline: TimelineWriter,
  ) {}

  add(em: EntityManager, user: CurrentUser, messageId: unknown, emoji: unknown): Promise<MessageData> {
    return this.change(em, user, messageId, parseEmoji(emoji), "add");
  }

  remove(em: EntityManager, user: CurrentUser, messageId: unknown, emoji: unknown): Promise<MessageData> {
    return this.change(em, user, messageId, parseEmoji(emoji), "remove");
  }

  private async change(em: EntityManager, user: CurrentUser, messageId: unknown, emoji: string, how: "add" | "remove"): Promise<MessageData> {
    const id = parseId(messageId);
    const message = id === null ? null : await em.findOne(Message, { id }, { fields: ["id", "course", "deletedAt", "privateTo"], disableIdentityMap: true });
    if (!message) throw new ForbiddenError();
    const room = await this.courses.requireMember(em, user, message.course.id);
    // Another's private question is not there to react to.
    if (message.privateTo !== null && !room.moderator && message.privateTo !== user.id) throw new ForbiddenError();
    if (message.deletedAt) throw new BadUserInputError("That message was deleted.", "messageId", "MESSAGE_DELETED");
    if (room.announcementOnly && !room.moderator) {
      throw new ForbiddenError("This room is in announcement-only mode: only the instructor and staff may post.");
    }
    await this.messages.limit(user, room.courseId);
    const { events } = await this.timeline.append(room.courseId, async (tx) => {
      const sql = tx as SqlEntityManager;
      let changed: boolean;
      if (how === "add") {
        const [row] = await sql.execute<{ emojis: number | string }[]>(
          "select count(distinct emoji) as emojis from reactions where message_id = ? and emoji <> ?",
          [message.id, emoji],
        );
        if (Number(row?.emojis ?? 0) >= MAX_EMOJI_PER_MESSAGE) throw new BadUserInputError(`A message carries at most ${MAX_EMOJI_PER_MESSAGE} different emoji.`, "emoji");
        const inserted = await sql.execute<{ message_id: number }[]>(
          "insert into reactions (message_id, user_id, emoji, created_at) values (?, ?, ?, ?) on conflict do nothing returning message_id",
          [message.id, user.id, emoji, this.database === "sqlite" ? Date.now() : new Date()],
        );
        changed = inserted.length > 0;
      } else {
        changed = (await tx.nativeDelete(Reaction, { message: message.id, user: user.id, emoji })) > 0;
      }
      return { events: changed ? [{ kind: EventKind.ReactionsChanged, messageId: message.id }] : [], result: changed };
    });
    const after = events[0]?.message as MessageData | undefined;
    if (after) return viewFor(user, after);
    // Nothing changed (the reaction was already there, or not): the message as it is.
    const current = await this.messages.loader.one(em, message.id);
    if (!current) throw new BadUserInputError("That message was deleted.", "messageId", "MESSAGE_DELETED");
    return viewFor(user, current);
  }
}
