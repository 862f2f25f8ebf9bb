import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { type DocumentNode, GraphQLError, visit } from "graphql";
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

const documentsChecked = new WeakMap<DocumentNode, boolean>();

function storableValue(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return isStorableText(value);
  if (value === null || typeof value !== "object" || depth > 64) return true;
  if (Array.isArray(value)) return value.every((v) => storableValue(v, depth + 1));
  return Object.entries(value).every(([k, v]) => isStorableText(k) && storableValue(v, depth + 1));
}

/**
 * Every string argument, inline or in variables, must be text a database can hold as sent:
 * a NUL or a lone surrogate is refused before any resolver runs, on every transport.
 */
export function unstorableInput(document: DocumentNode, variables: unknown): BadUserInputError | null {
  let literalsOk = documentsChecked.get(document);
  if (literalsOk === undefined) {
    literalsOk = true;
    visit(document, {
      StringValue(node) {
        if (!isStorableText(node.value)) literalsOk = false;
      },
    });
    documentsChecked.set(document, literalsOk);
  }
  if (literalsOk && storableValue(variables)) return null;
  return new BadUserInputError("Arguments must be well-formed Unicode text without NUL characters.");
}

/** unstorableInput for Apollo (HTTP): refused before any resolver runs. */
export function storableArgumentsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const problem = unstorableInput(document, request.variables);
          // A request error, not a server one: Apollo answers what a plugin throws with 500 unless told.
          if (problem) throw new GraphQLError(problem.message, { extensions: { ...problem.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
