import { createApp, type App } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/config.js";
import { createLogger } from "../../server/src/logger.js";
import { TEST_SECRET } from "./databases.js";

/** The real app, in this process, on a free port. */
export async function startApp(env: Record<string, string>): Promise<App> {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    SECRET_KEY: TEST_SECRET,
    SEED_DEMO: "false",
    CLIENT_DIST: "",
    ...env,
  });
  return createApp(config, createLogger(process.env["TEST_LOG_LEVEL"] ?? "silent"));
}
