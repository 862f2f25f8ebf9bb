import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { AuthService } from "./auth/auth.service.js";
import type { CurrentUser } from "./auth/current-user.js";
import type { TokenClaims } from "./auth/tokens.js";
import type { CourseService } from "./courses/course.service.js";
import type { MessageService } from "./messages/message.service.js";
import type { ModerationService } from "./moderation/moderation.service.js";
import type { PresenceService } from "./presence/presence.service.js";
import type { TypingService } from "./presence/typing.service.js";
import type { QuestionService } from "./questions/question.service.js";
import type { ReactionService } from "./reactions/reaction.service.js";
import type { HomeStreams } from "./readstate/home-stream.js";
import type { ReadStateLoader } from "./readstate/read-state.loader.js";
import type { ReadStateService } from "./readstate/read-state.service.js";
import type { FlowControl } from "./realtime/operations.js";

export interface Services {
  auth: AuthService;
  courses: CourseService;
  messages: MessageService;
  reactions: ReactionService;
  questions: QuestionService;
  moderation: ModerationService;
  readState: ReadStateService;
  homeStreams: HomeStreams;
  presence: PresenceService;
  typing: TypingService;
}

/** Built for each HTTP operation and each WebSocket operation. */
export interface Context {
  /** A fork of the ORM's EntityManager for this operation only. */
  em: EntityManager;
  /** Who asks, as checked when this operation started; null for an anonymous request. */
  user: CurrentUser | null;
  /** The token's claims (its session), for renewing and logging out. */
  claims: TokenClaims | null;
  /** The client's network address, for login throttling and per-address limits. */
  clientAddress: string;
  services: Services;
  /** How fast the client reads, on a streaming transport; a replay paces itself on it. */
  flow: FlowControl | null;
  /** Memo for Course.isMember, so a catalogue page costs one membership query. */
  memberCourseIds?: Promise<Set<number>>;
  /** Memo for Course.isRemoved. */
  removedCourseIds?: Promise<Set<number>>;
  /** The operation's read state, batched across a list of courses. */
  readState?: ReadStateLoader;
  /** Memo for the totals on `me`. */
  readTotals?: Promise<{ unread: number; mentions: number }>;
}

/**
 * An operation's context, over HTTP or on a long-lived connection, with a fixed shape: an
 * object literal with a getter is kept in dictionary mode, half a kilobyte per open subscription.
 */
export class OperationContext implements Context {
  private fork: EntityManager | undefined;
  memberCourseIds?: Promise<Set<number>>;
  removedCourseIds?: Promise<Set<number>>;
  readState?: ReadStateLoader;
  readTotals?: Promise<{ unread: number; mentions: number }>;

  constructor(
    private readonly orm: MikroORM,
    readonly user: CurrentUser | null,
    readonly claims: TokenClaims | null,
    readonly clientAddress: string,
    readonly services: Services,
    readonly flow: FlowControl | null,
  ) {}

  /**
   * Forked on first use: a subscription lives for hours and mostly never touches it, and a
   * send reads and writes outside the ORM (a fork was a twentieth of an HTTP send's CPU).
   */
  get em(): EntityManager {
    return (this.fork ??= this.orm.em.fork());
  }
}
