import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// Two pages: the app (index.html) and the API playground (playground.html, GraphiQL bundled
// here so that it needs no CDN; the server serves it at /playground).
// The dev server forwards the API (HTTP and WebSocket) to the GraphQL server, so the
// browser sees one origin in development as in production.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // GraphiQL (CodeMirror, graphql-js) makes the playground's one chunk about 800 kB; the app's is far smaller.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      input: { index: resolve(root, "index.html"), playground: resolve(root, "playground.html") },
      onwarn(warning, warn) {
        // GraphiQL's react-compiler-runtime starts with "use no memo", meaningless once bundled.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.id?.includes("react-compiler-runtime")) return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/graphql": { target: "http://localhost:4000", ws: true, changeOrigin: true },
    },
  },
});
