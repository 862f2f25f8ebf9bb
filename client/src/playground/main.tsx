import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { loadSession } from "../auth/session";
import { createPlaygroundFetcher } from "./fetcher";

const DEFAULT_QUERY = `# Educa Chat API playground.
#
# Log in below (or in the web app, which fills in your token here), then put
# {"Authorization": "Bearer <token>"} in the Headers tab. Subscriptions run
# over WebSocket (graphql-transport-ws) with the same header.
#
# mutation { login(username: "alice", password: "…") { token } }
# subscription { messageAdded(courseId: "1") { content user { username } } }

{
  courses {
    id
    title
  }
}
`;

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from playground.html");

// Logged into the web app: the playground starts with that token in its headers.
const token = loadSession()?.token;
const headers = token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined;
const fetcher = createPlaygroundFetcher();

createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      headers={headers}
      defaultHeaders={headers}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
    />
  </StrictMode>,
);
