import { pino, type Logger } from "pino";

/** JSON logs that never carry a token, a password or an Authorization value. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "educa-chat" },
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "authorization",
        "password",
        "token",
        "*.password",
        "*.token",
        "*.authorization",
        "variables.password",
        "connectionParams",
      ],
      censor: "[redacted]",
    },
  });
}
