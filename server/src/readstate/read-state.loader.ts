import type { EntityManager } from "@mikro-orm/core";
import type { CurrentUser } from "../auth/current-user.js";
import { Coalescer } from "../db/coalescer.js";
import type { MessageData } from "../messages/message-data.js";
import type { MessageService } from "../messages/message.service.js";
import type { ReadStateService, RoomActivity, RoomReadState } from "./read-state.service.js";

export interface LatestMessage extends RoomActivity {
  /** As this viewer may see it (anonymity.ts's viewFor), through the same path as history. */
  message: MessageData | null;
}

/**
 * One operation's read state: the Course fields of a whole list (myCourses, say) are asked in
 * the same turn, and answered by one query for all of them, not one per course.
 */
export class ReadStateLoader {
  private readonly states: Coalescer<number, RoomReadState | null>;
  private readonly latest: Coalescer<number, LatestMessage | null>;
  private memo = new Map<number, Promise<RoomReadState | null>>();

  constructor(readState: ReadStateService, messages: MessageService, em: EntityManager, user: CurrentUser) {
    this.states = new Coalescer(async (ids) => {
      const found = await readState.states(em, user, ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    this.latest = new Coalescer(async (ids) => {
      const found = await readState.latest(em, user, ids);
      const messageIds = [...found.values()].flatMap((a) => (a.latestMessageId === null ? [] : [a.latestMessageId]));
      const data = new Map((await messages.dataFor(em, messageIds, user)).map((m) => [Number(m.id), m]));
      return ids.map((id) => {
        const activity = found.get(id);
        if (!activity) return null;
        return { ...activity, message: activity.latestMessageId === null ? null : (data.get(activity.latestMessageId) ?? null) };
      });
    });
  }

  /** The user's read state in the room; null when they are not a member. */
  state(courseId: number): Promise<RoomReadState | null> {
    let found = this.memo.get(courseId);
    if (!found) this.memo.set(courseId, (found = this.states.run(courseId)));
    return found;
  }

  lastMessage(courseId: number): Promise<LatestMessage | null> {
    return this.latest.run(courseId);
  }
}
