import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ApiProvider } from "./api-context";
import { SessionProvider } from "./auth/session";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");

createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <ApiProvider>
        <App />
      </ApiProvider>
    </SessionProvider>
  </StrictMode>,
);
