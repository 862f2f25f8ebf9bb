import { createServices } from "../../server/src/services.js";
import { Role } from "../../server/src/auth/user.entity.js";
import { loadConfig } from "../../server/src/config.js";
import { migrate, openOrm } from "../../server/src/db/orm.js";
import { createLogger } from "../../server/src/logger.js";
import { createInProcessRoomBus } from "../../server/src/realtime/room-bus.js";
import { TEST_SECRET } from "./databases.js";

export const PASSWORD = "correct horse battery";

export interface World {
  tokens: Record<"teacher" | "staff" | "alice" | "bob" | "outsider", string>;
  userIds: Record<"teacher" | "staff" | "alice" | "bob" | "outsider", string>;
  /** alice and bob are enrolled; teacher owns it. */
  roomId: string;
  /** Owned by teacher, nobody enrolled. */
  otherRoomId: string;
}

/**
 * Migrates the database and creates the cast every test uses. Tokens are signed with
 * TEST_SECRET, so any server started with that SECRET_KEY accepts them.
 */
export async function seedWorld(databaseUrl: string): Promise<World> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off" });
  const logger = createLogger("silent");
  const orm = await openOrm(config.database, logger);
  try {
    await migrate(orm);
    const services = createServices(config, orm, createInProcessRoomBus(""), logger);
    const em = orm.em.fork();
    const make = (name: string, role: Role) => services.auth.createUser(em, name, PASSWORD, role);
    const users = {
      teacher: await make("teacher", Role.Instructor),
      staff: await make("staffer", Role.Staff),
      alice: await make("alice", Role.Student),
      bob: await make("bob", Role.Student),
      outsider: await make("outsider", Role.Student),
    };
    const room = await services.courses.create(em, users.teacher, "Distributed Systems", "Consensus and clocks.");
    const other = await services.courses.create(em, users.teacher, "Compilers", "Parsing to code generation.");
    await services.courses.enroll(em, users.alice, room.id);
    await services.courses.enroll(em, users.bob, room.id);
    const entries = Object.entries(users) as [keyof World["tokens"], (typeof users)["teacher"]][];
    const tokens = {} as World["tokens"];
    const userIds = {} as World["userIds"];
    for (const [key, user] of entries) {
      tokens[key] = await services.auth.startSession(em, user.id);
      userIds[key] = String(user.id);
    }
    return { tokens, userIds, roomId: String(room.id), otherRoomId: String(other.id) };
  } finally {
    await orm.close(true);
  }
}
