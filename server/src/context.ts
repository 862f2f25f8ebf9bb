import type { EntityManager } from "@mikro-orm/core";
import type { AuthService } from "./auth/auth.service.js";
import type { CurrentUser } from "./auth/current-user.js";
import type { CourseService } from "./courses/course.service.js";
import type { MessageService } from "./messages/message.service.js";
import type { ModerationService } from "./moderation/moderation.service.js";

export interface Services {
  auth: AuthService;
  courses: CourseService;
  messages: MessageService;
  moderation: ModerationService;
}

/** Built for each HTTP operation and each WebSocket operation. */
export interface Context {
  /** A fork of the ORM's EntityManager for this operation only. */
  em: EntityManager;
  user: CurrentUser | null;
  /** The client's network address, for login throttling. */
  clientAddress?: string;
  services: Services;
  /** Memo for Course.isMember, so a catalogue page costs one membership query. */
  memberCourseIds?: Promise<Set<number>>;
}
