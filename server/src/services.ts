import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import { AuthService } from "./auth/auth.service.js";
import { resolveSecretKey } from "./auth/secret.js";
import { LoginThrottle } from "./auth/login-throttle.js";
import { TokenService } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Services } from "./context.js";
import { CourseService } from "./courses/course.service.js";
import { SqliteConnection } from "./db/sqlite-connection.js";
import { MessageService } from "./messages/message.service.js";
import { SendRateLimiter, SlowModeLimiter } from "./messages/send-rate-limiter.js";
import { ModerationService } from "./moderation/moderation.service.js";
import { Metrics } from "./metrics.js";
import type { RoomBus } from "./realtime/room-bus.js";

/** Builds services around an open ORM and bus; shared by the server and the manage commands. */
export function createServices(config: Config, orm: MikroORM, bus: RoomBus, logger: Logger, metrics = new Metrics()): Services {
  const store = bus.redis ? { client: bus.redis, prefix: config.redisPrefix } : undefined;
  const auth = new AuthService(new TokenService(resolveSecretKey(config), config.tokenTtlSeconds), new LoginThrottle(store));
  const sqlite = config.database.kind === "sqlite" ? new SqliteConnection(orm) : null;
  const courses = new CourseService(sqlite);
  const rateLimiter = config.sendRateLimit ? new SendRateLimiter(config.sendRateLimit, store) : null;
  const slowMode = new SlowModeLimiter(store);
  const messages = new MessageService(orm, config.database.kind, courses, bus, rateLimiter, slowMode, logger, metrics, sqlite);
  const moderation = new ModerationService(orm, config.database.kind, courses, bus, logger);
  return { auth, courses, messages, moderation };
}

