// The import rules of the server and the client, checked in CI (`npm run lint:imports`).
// Features: auth, courses, timeline, messages, reactions, moderation (and any added beside them).
const FEATURES = "(auth|courses|timeline|messages|reactions|moderation|questions|readstate|presence)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules depend one way. Type-only imports (a context type naming the services) do not count.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "transport-knows-no-feature",
      severity: "error",
      comment: "realtime/ (pub/sub, operations, WebSocket and HTTP streaming) is handed what it needs by the composition root.",
      from: { path: "^server/src/realtime/" },
      to: { path: [`^server/src/${FEATURES}/`, "^server/src/(context|services|app|schema)\\.ts$"] },
    },
    {
      name: "timeline-is-extended-not-extending",
      severity: "error",
      comment: "The room timeline knows no message: messages, reactions and moderation extend it.",
      from: { path: "^server/src/timeline/" },
      to: { path: "^server/src/(messages|reactions|moderation|questions|readstate|presence)/" },
    },
    {
      name: "auth-and-courses-are-foundations",
      severity: "error",
      comment: "Accounts and courses do not depend on the features built on them.",
      from: { path: "^server/src/(auth|courses)/" },
      to: { path: "^server/src/(timeline|messages|reactions|moderation|questions|readstate|presence)/" },
    },
    {
      name: "resolvers-only-from-the-schema",
      severity: "error",
      comment: "A feature may use another feature's service, never its resolver; only schema.ts assembles them.",
      from: { path: "^server/src/", pathNot: "^server/src/schema\\.ts$" },
      to: { path: "\\.resolver\\.ts$" },
    },
    {
      name: "composition-root-imported-by-nobody",
      severity: "error",
      comment: "Only the entry points wire everything together.",
      from: { path: `^server/src/(${FEATURES.slice(1, -1)}|realtime|db)/` , pathNot: "^server/src/db/(seed-demo|make-migration)\\.ts$" },
      to: { path: "^server/src/(app|services|main)\\.ts$" },
    },
    {
      name: "client-and-server-apart",
      severity: "error",
      comment: "They share the schema and generated types, never code.",
      from: { path: "^client/" },
      to: { path: "^server/" },
    },
    {
      name: "server-not-client",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^client/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|gql)/|\\.test\\.tsx?$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js"] },
  },
};
