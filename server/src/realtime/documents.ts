import { type DocumentNode, GraphQLError, parse, specifiedRules, validate, type GraphQLSchema, type ValidationRule } from "graphql";
import { LRUCache } from "lru-cache";
import { ErrorCode } from "../errors.js";

/** Parsed and validated documents, keyed by query text: clients repeat the same few. */
export class DocumentCache {
  private readonly entries: LRUCache<string, DocumentNode | readonly GraphQLError[]>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: ValidationRule[],
    private readonly maxTokens: number,
    capacity = 500,
  ) {
    this.entries = new LRUCache({ max: capacity });
  }

  get(query: unknown): DocumentNode | readonly GraphQLError[] {
    if (typeof query !== "string") {
      return [new GraphQLError("A query string is required.", { extensions: { code: ErrorCode.ParseFailed } })];
    }
    let result = this.entries.get(query);
    if (!result) {
      result = this.compile(query);
      this.entries.set(query, result);
    }
    return result;
  }

  private compile(query: string): DocumentNode | readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.maxTokens });
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : "Syntax error";
      return [new GraphQLError(message, { extensions: { code: ErrorCode.ParseFailed } })];
    }
    const errors = validate(this.schema, document, [...specifiedRules, ...this.rules]);
    if (errors.length > 0) {
      return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.ValidationFailed } }));
    }
    return document;
  }
}
