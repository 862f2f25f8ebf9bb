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

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only lone halves:
// the database would store them as U+FFFD. PostgreSQL text cannot hold NUL at all.
const loneSurrogate = /\p{Cs}/u;

/** Text a database can store exactly as sent: well-formed Unicode, no NUL. */
export function isStorableText(text: string): boolean {
  return !loneSurrogate.test(text) && !text.includes("\u0000");
}
