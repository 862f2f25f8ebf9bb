import "reflect-metadata";
import { parseArgs } from "node:util";
import { createServices } from "../services.js";
import { Role } from "../auth/user.entity.js";
import { ConfigError, loadConfig } from "../config.js";
import { migrate, openOrm } from "../db/orm.js";
import { seedDemo } from "../db/seed-demo.js";
import { createLogger } from "../logger.js";
import { createInProcessRoomBus } from "../realtime/room-bus.js";

const usage = `Usage: npm run manage -- <command> [options]

Commands:
  migrate                                   apply database migrations (a no-op when up to date)
  seed-demo                                 demo instructor, students, courses, enrolments, messages
  create-user --username NAME --password PASS [--role student|instructor|staff]
  set-role --username NAME --role student|instructor|staff

The database is DATABASE_URL's (default sqlite:./data/educa-chat.sqlite3).`;

function parseRole(value: string | undefined): Role {
  const role = Object.values(Role).find((r) => r === (value ?? Role.Student));
  if (!role) throw new Error(`--role must be one of ${Object.values(Role).join(", ")}`);
  return role;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: "string" }, password: { type: "string" }, role: { type: "string" }, help: { type: "boolean" } },
  });
  const command = positionals[0];
  if (!command || values.help) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const orm = await openOrm(config.database, logger);
  try {
    if (command === "migrate") {
      const applied = await migrate(orm);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Nothing to apply: the database is up to date.");
      return 0;
    }
    // The manage commands never publish: an in-process bus keeps them off Redis.
    const services = createServices(config, orm, createInProcessRoomBus(config.redisPrefix), logger);
    const em = orm.em.fork();
    switch (command) {
      case "seed-demo": {
        if (config.database.kind === "sqlite") await migrate(orm);
        const created = await seedDemo(em, services, createLogger("info"));
        if (!created) console.log("Demo data is already there.");
        return 0;
      }
      case "create-user": {
        if (!values.username || !values.password) throw new Error("create-user needs --username and --password");
        const user = await services.auth.createUser(em, values.username, values.password, parseRole(values.role));
        console.log(`Created ${user.role} ${user.username} (id ${user.id}).`);
        return 0;
      }
      case "set-role": {
        if (!values.username || !values.role) throw new Error("set-role needs --username and --role");
        const user = await services.auth.setRole(em, values.username, parseRole(values.role));
        console.log(`${user.username} is now ${user.role}.`);
        return 0;
      }
      default:
        console.error(`Unknown command: ${command}\n\n${usage}`);
        return 2;
    }
  } finally {
    await orm.close(true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
