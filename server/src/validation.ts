import type { z } from "zod";
import { BadUserInputError } from "./errors.js";

/** Parses one argument; the first problem becomes a BAD_USER_INPUT naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new BadUserInputError(result.error.issues[0]?.message ?? "Invalid input.", field);
  }
  return result.data;
}
