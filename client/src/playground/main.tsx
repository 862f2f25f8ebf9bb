import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AuthBar } from "./AuthBar";
import { AuthStore } from "./auth-store";
import { createPlaygroundFetcher } from "./fetcher";
import "./playground.css";

const DEFAULT_QUERY = `# Educa Chat API playground.
#
# Log in at the top (or paste a token): every request
# then carries it, and the page keeps it across reloads.
# An Authorization header in the Headers tab wins.
# Queries and mutations go over HTTP, subscriptions
# over the WebSocket (graphql-transport-ws).
#
# subscription {
#   messageAdded(courseId: "1") { content user { username } }
# }

{
  courses {
    id
    title
  }
}
`;

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from playground.html");

const store = new AuthStore();
const fetcher = createPlaygroundFetcher(store);

createRoot(root).render(
  <StrictMode>
    <div className="pg">
      <AuthBar store={store} />
      <main className="pg-graphiql">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility="headers" isHeadersEditorEnabled />
      </main>
    </div>
  </StrictMode>,
);
