import type { ApolloServerPlugin } from "@apollo/server";
import Negotiator from "negotiator";
import { ErrorCode } from "./errors.js";

// Apollo's own media types, in the order it negotiates them for a single result.
const APPLICATION_JSON = "application/json; charset=utf-8";
const SINGLE_RESULT_TYPES = [APPLICATION_JSON, "application/graphql-response+json; charset=utf-8", "application/json; callbackSpec=1.0; charset=utf-8"];
const DOCUMENT_ERRORS = new Set<unknown>([ErrorCode.ParseFailed, ErrorCode.ValidationFailed]);

/** Whether Apollo answers this Accept header with `application/json` (as it does without one). */
export function answersWithJson(accept: string | undefined): boolean {
  return !accept || new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES) === APPLICATION_JSON;
}

/**
 * GraphQL over HTTP's status codes. Apollo answers a document that does not parse, does not
 * validate, or whose variables do not coerce with 400 whatever the client accepts. The spec
 * asks for that only under `application/graphql-response+json`; under `application/json` (the
 * legacy type, which older clients read only from a 200) a well-formed request gets 200 with
 * its errors. Everything else (bad requests, 401, 5xx) keeps Apollo's status.
 */
export function graphqlOverHttpStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ request, response, errors }) {
          if (response.http.status !== 400 || response.body.kind !== "single" || response.body.singleResult.data !== undefined) return;
          if (!answersWithJson(request.http?.headers.get("accept"))) return;
          const documentError = !!errors?.length && errors.every((e) => DOCUMENT_ERRORS.has(e.extensions["code"]));
          // Execution that returns no data at all and a 400 is Apollo's variable coercion failure.
          if (documentError || executed) response.http.status = 200;
        },
      };
    },
  };
}
