import { randomUUID } from "node:crypto";
import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import { AuthService } from "./auth/auth.service.js";
import { resolveSecretKey } from "./auth/secret.js";
import { AuthFeed } from "./auth/auth-feed.js";
import { LoginThrottle } from "./auth/login-throttle.js";
import { Sessions } from "./auth/sessions.js";
import { TokenService } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Services } from "./context.js";
import { CourseService } from "./courses/course.service.js";
import { PostgresConnection } from "./db/postgres-connection.js";
import { RawReader } from "./db/raw-reader.js";
import { SqliteConnection } from "./db/sqlite-connection.js";
import { Pseudonyms } from "./messages/anonymity.js";
import { MessageDataLoader } from "./messages/message-data.js";
import { MessageService } from "./messages/message.service.js";
import { MessageWriter } from "./messages/message-writer.js";
import { SendRateLimiter, SlowModeLimiter } from "./messages/send-rate-limiter.js";
import { ModerationService } from "./moderation/moderation.service.js";
import { Metrics } from "./metrics.js";
import { MemoryPresenceStore, RedisPresenceStore } from "./presence/presence-store.js";
import { PresenceService } from "./presence/presence.service.js";
import { TypingService } from "./presence/typing.service.js";
import { QuestionService } from "./questions/question.service.js";
import { ReactionService } from "./reactions/reaction.service.js";
import { HomeStreams } from "./readstate/home-stream.js";
import { ReadStateService } from "./readstate/read-state.service.js";
import type { RoomBus } from "./realtime/room-bus.js";
import { RoomStreams } from "./timeline/room-streams.js";
import { TimelineWriter } from "./timeline/timeline-writer.js";

/** Builds services around an open ORM and bus; shared by the server and the manage commands. */
export function createServices(config: Config, orm: MikroORM, bus: RoomBus, logger: Logger, metrics = new Metrics()): Services {
  const store = bus.redis ? { client: bus.redis, prefix: config.redisPrefix } : undefined;
  const database = config.database.kind;
  const secretKey = resolveSecretKey(config);
  const tokens = new TokenService(secretKey, config.tokenTtlSeconds);
  const pseudonyms = new Pseudonyms(secretKey);
  const feed = new AuthFeed(orm, logger);
  const sqlite = database === "sqlite" ? new SqliteConnection(orm) : null;
  const reader = new RawReader(sqlite, database === "postgresql");
  const sessions = new Sessions(tokens, feed, config.sessionMaxAgeSeconds, config.renewalGraceSeconds, reader);
  const auth = new AuthService(tokens, new LoginThrottle(store, config.registerRateLimit), sessions, feed, reader);
  const courses = new CourseService(sqlite);
  // The room timeline, which messages, reactions and moderation extend; it reads messages' data through the loader.
  const loader = new MessageDataLoader(reader, pseudonyms);
  const hydrate = (em: Parameters<MessageDataLoader["load"]>[0], ids: number[]) => loader.load(em, ids);
  const timeline = new TimelineWriter(orm, database, bus, hydrate, logger, metrics);
  const streams = new RoomStreams({ orm, reader, courses, auth, bus, metrics, hydrate, maxResumeDepth: config.limits.maxResumeDepth });
  const messages: MessageService = new MessageService({
    orm,
    courses,
    writer: new MessageWriter(sqlite ?? new PostgresConnection(orm)),
    timeline,
    streams,
    loader,
    reader,
    rateLimiter: config.sendRateLimit ? new SendRateLimiter(config.sendRateLimit, store) : null,
    slowMode: new SlowModeLimiter(store),
    logger,
    metrics,
    editWindowMs: config.editWindowSeconds * 1000,
    pseudonyms,
    // Questions extend messages: a moderator's answer marks an open question answered.
    onStored: (message, room): Promise<void> => questions.afterStored(message, room),
  });
  const questions: QuestionService = new QuestionService({ orm, auth, pseudonyms, courses, messages, timeline, bus, metrics, reader });
  const reactions = new ReactionService(database, courses, messages, timeline);
  const moderation = new ModerationService(orm, database, courses, messages, timeline, logger);
  // Marker positions of one member and room within 250 ms are one write.
  const readState = new ReadStateService({ orm, database, reader, courses, bus, logger, metrics, flushMs: 250 });
  courses.hooks.enrolled = (em, userId, courseId) => readState.startAt(em, userId, courseId);
  courses.hooks.activity = async (em, user, ids) => new Map([...(await readState.latest(em, user, ids))].map(([id, a]) => [id, a.at]));
  // A home screen asks every room's counts and latest message: they are read alongside its list.
  courses.hooks.listing = (em, user, fields, byActivity) => readState.prefetchMember(em, user, fields, byActivity);
  const homeStreams = new HomeStreams({ orm, reader, auth, courses, messages, readState, bus });
  const ttlMs = config.presenceTtlSeconds * 1000;
  const presenceStore = bus.redis ? new RedisPresenceStore(bus.redis, config.redisPrefix, randomUUID(), ttlMs * 2) : new MemoryPresenceStore();
  const presence = new PresenceService({ orm, auth, courses, bus, reader, store: presenceStore, logger, ttlMs });
  messages.onRoomStream = (user, courseId) => presence.opened(user, courseId);
  const typing = new TypingService({ orm, auth, courses, bus, reader, store, maxRoomSize: config.typingMaxRoomSize });
  return { auth, courses, messages, reactions, questions, moderation, readState, homeStreams, presence, typing };
}
