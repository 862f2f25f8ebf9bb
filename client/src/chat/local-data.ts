/** What this browser keeps per user besides the session: unsent messages (per room). */
const outboxPrefix = (userId: string) => `educa-chat.outbox.${userId}.`;

function keys(storage: Storage, prefix: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(prefix)) found.push(key);
  }
  return found;
}

/** How many messages the user wrote that no server has confirmed, in every room. */
export function unsentCount(userId: string): number {
  try {
    return keys(localStorage, outboxPrefix(userId)).reduce((n, key) => {
      const entries: unknown = JSON.parse(localStorage.getItem(key) ?? "[]");
      return n + (Array.isArray(entries) ? entries.length : 0);
    }, 0);
  } catch {
    return 0;
  }
}

/** On logging out: nothing the user wrote stays behind in this browser. */
export function forgetLocalData(userId: string): void {
  try {
    keys(localStorage, outboxPrefix(userId)).forEach((key) => localStorage.removeItem(key));
    keys(sessionStorage, "educa-chat.scroll.").forEach((key) => sessionStorage.removeItem(key));
  } catch {
    // Storage unavailable: nothing was kept either.
  }
}
