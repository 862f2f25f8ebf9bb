import { CombinedGraphQLErrors } from "@apollo/client";

/** The server's `extensions.code` of an Apollo error, if it is a GraphQL error. */
export function errorCode(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  const code = error.errors[0]?.extensions?.["code"];
  return typeof code === "string" ? code : undefined;
}

/** A sentence a user can act on, for any error the API or network can give. */
export function describeError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    switch (first?.extensions?.["code"]) {
      case "RATE_LIMITED": {
        const seconds = Number(first.extensions["retryAfterSeconds"] ?? 0);
        return `You are sending messages too fast. Try again in ${Math.max(1, Math.ceil(seconds))} seconds.`;
      }
      case "FORBIDDEN":
        return "You are not enrolled in this course.";
      case "UNAUTHENTICATED":
        return "Your session has expired. Please log in again.";
      case "INTERNAL_SERVER_ERROR":
        return "Something went wrong on the server. Please try again.";
      default:
        return first?.message ?? "Request failed.";
    }
  }
  return "Cannot reach the server. Check your connection and try again.";
}
