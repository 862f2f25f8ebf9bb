import type { Page, WebSocketRoute } from "playwright-core";

/**
 * A page whose live socket can be cut while HTTP keeps working: closed with 1013 ("try again
 * later", which graphql-ws retries), and every reconnect refused the same way until opened again.
 */
export async function cuttableSocket(page: Page) {
  let blocked = false;
  const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    if (blocked) return void ws.close({ code: 1013, reason: "blocked by the test" });
    const server = ws.connectToServer();
    const pair = { page: ws, server };
    open.add(pair);
    ws.onClose(() => open.delete(pair));
  });
  return {
    async cut() {
      blocked = true;
      for (const pair of open) {
        await pair.server.close({ code: 1000 });
        await pair.page.close({ code: 1013, reason: "blocked by the test" });
      }
      open.clear();
    },
    restore() {
      blocked = false;
    },
  };
}
