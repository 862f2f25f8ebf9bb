import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from "graphql";
import type { Limits } from "./config.js";

/**
 * Depth, aliases, directives and cost, checked while validating: a document over a limit
 * runs no resolver and gets GRAPHQL_VALIDATION_FAILED. The same list serves HTTP (Apollo)
 * and WebSocket (websocket.ts); the token limit is a parse option beside it.
 */
export function queryLimitRules(limits: Limits): ValidationRule[] {
  // Report through the validation context (GRAPHQL_VALIDATION_FAILED) instead of throwing,
  // which would surface as an internal error.
  const report = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(error)] };
  const rules = [
    maxDepthRule({ n: limits.maxQueryDepth, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...report }),
  ] as ValidationRule[];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
