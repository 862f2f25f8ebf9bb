import { ApolloServer } from "@apollo/server";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { graphqlTransportWs, httpSubscriptions } from "./http-subscriptions.js";

// The middleware refuses subscriptions before Apollo (tests/graphql-over-http.test.ts); this is
// the refusal inside Apollo, for an operation that reaches it some other way.
describe("the subscription refusal inside Apollo", () => {
  it("answers a subscription with 406 and the transports, without resolving it", async () => {
    let resolved = 0;
    const schema = buildSchema("type Query { ok: Boolean } type Subscription { tick: Int }");
    const subscriptions = httpSubscriptions({ streaming: [], elsewhere: [graphqlTransportWs("/graphql")], maxTokens: 100 });
    const apollo = new ApolloServer({ schema, plugins: [subscriptions.plugin], rootValue: { tick: () => ++resolved, ok: () => true } });
    await apollo.start();
    try {
      const refused = await apollo.executeOperation({ query: "subscription { tick }" });
      expect(refused.http.status).toBe(406);
      expect(refused.body.kind === "single" && refused.body.singleResult.errors?.map((e) => e.extensions)).toEqual([
        expect.objectContaining({ code: "BAD_USER_INPUT", reason: "SUBSCRIPTION_TRANSPORT_REQUIRED", transports: [graphqlTransportWs("/graphql")] }),
      ]);
      expect(resolved).toBe(0);
      const query = await apollo.executeOperation({ query: "{ ok }" });
      expect(query.body.kind === "single" && query.body.singleResult.data).toEqual({ ok: true });
    } finally {
      await apollo.stop();
    }
  });
});
