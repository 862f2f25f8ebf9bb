import { MikroORM, type Options } from "@mikro-orm/core";
import { BetterSqliteDriver } from "@mikro-orm/better-sqlite";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { Logger } from "pino";
import { AuthChange } from "../auth/auth-change.entity.js";
import { Session } from "../auth/session.entity.js";
import { User } from "../auth/user.entity.js";
import type { DatabaseTarget } from "../config.js";
import { Course } from "../courses/course.entity.js";
import { CourseRemoval } from "../courses/course-removal.entity.js";
import { Mention } from "../messages/mention.entity.js";
import { Message } from "../messages/message.entity.js";
import { MessageVersion } from "../messages/message-version.entity.js";
import { AuthorReveal } from "../questions/author-reveal.entity.js";
import { ReadMarker } from "../readstate/read-marker.entity.js";
import { Reaction } from "../reactions/reaction.entity.js";
import { RoomEventRow } from "../timeline/room-event.entity.js";
import { postgresqlMigrations } from "./migrations/postgresql/index.js";
import { sqliteMigrations } from "./migrations/sqlite/index.js";

export const entities = [User, Session, AuthChange, Course, CourseRemoval, Message, MessageVersion, Mention, Reaction, RoomEventRow, AuthorReveal, ReadMarker];

interface SqliteHandle {
  pragma(source: string): unknown;
}

/** MikroORM options for either database; the driver follows DATABASE_URL. */
export function ormOptions(database: DatabaseTarget, logger?: Logger): Options {
  const common = {
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // Requests always work on a fork (see context.ts); touching the global one is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    logger: (message: string) => logger?.debug({ orm: message }, "orm"),
  } satisfies Options;
  if (database.kind === "sqlite") {
    return {
      ...common,
      driver: BetterSqliteDriver,
      dbName: database.path,
      migrations: { migrationsList: sqliteMigrations, transactional: true, snapshot: false },
      pool: {
        min: 1,
        max: 1,
        // WAL lets readers run beside the writer; busy_timeout waits for a lock instead of
        // surfacing SQLITE_BUSY (another process, e.g. `manage`, may hold it briefly).
        afterCreate: (conn: SqliteHandle, done: (err: Error | null, conn: SqliteHandle) => void) => {
          try {
            conn.pragma("journal_mode = WAL");
            conn.pragma("busy_timeout = 10000");
            conn.pragma("synchronous = NORMAL");
            conn.pragma("foreign_keys = ON");
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
    } as Options;
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: database.url,
    migrations: { migrationsList: postgresqlMigrations, transactional: true, snapshot: false },
    // While the database is away every operation must fail within seconds (and be reported
    // as retryable, see errors.ts), never queue: a refused connection fails the acquire at
    // once, an unanswered one after connectionTimeoutMillis, a full pool after acquireTimeoutMillis.
    // Connections the server ended are dropped by the pool and new ones opened on demand.
    pool: { min: 0, max: 10, acquireTimeoutMillis: 4000 },
    driverOptions: { connection: { connectionTimeoutMillis: 3000, keepAlive: true } },
  } as Options;
}

export async function openOrm(database: DatabaseTarget, logger?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormOptions(database, logger));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
