import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// The dev server forwards the API (HTTP and WebSocket) to the GraphQL server, so the
// browser sees one origin in development as in production.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  server: {
    port: 5173,
    proxy: {
      "/graphql": { target: "http://localhost:4000", ws: true, changeOrigin: true },
    },
  },
});
