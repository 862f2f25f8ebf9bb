import { ConnectionException, UniqueConstraintViolationException } from "@mikro-orm/core";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable.js";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("recognises a database that is down, restarting or out of connections", () => {
    const knexTimeout = Object.assign(new Error("Knex: Timeout acquiring a connection. The pool is probably full."), { name: "KnexTimeoutError" });
    for (const error of [
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("the database system is starting up", "57P03"),
      withCode("connection failure", "08006"),
      withCode("sorry, too many clients already", "53300"),
      new Error("Connection terminated unexpectedly"),
      new Error("Transaction query already complete, run with DEBUG=knex:tx for more info"),
      knexTimeout,
      new ConnectionException(new Error("lost")),
      new GraphQLError("Context creation failed: connect ECONNREFUSED", { originalError: withCode("connect ECONNREFUSED", "ECONNREFUSED") }),
      new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], "all attempts failed"),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
    }
  });

  it("leaves everything else to be masked as a bug", () => {
    for (const error of [
      new UniqueConstraintViolationException(withCode("duplicate key value", "23505")),
      withCode("syntax error at or near", "42601"),
      withCode("database is locked", "SQLITE_BUSY"),
      new Error("Cannot read properties of undefined"),
      new GraphQLError("You are not allowed to do this."),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(false);
    }
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
