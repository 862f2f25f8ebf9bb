import { loadSession } from "../auth/session";

const STORAGE_KEY = "educa-chat.playground.auth";

export interface PlaygroundAuth {
  token: string;
  /** Who the token belongs to; null for a pasted token until the server has said. */
  username: string | null;
  /** Logged in or pasted here, or the web app's session (used until the playground has its own). */
  from: "playground" | "web app";
}

export interface AuthState {
  auth: PlaygroundAuth | null;
  /** Something the user must know, e.g. that a refused token was dropped. */
  notice: string | null;
}

/**
 * The playground's token, kept in localStorage so a reload keeps it. Until the user logs in,
 * pastes a token or logs out here, the web app's session is used. Logging out here stores "no
 * token", so a reload does not bring the web app's back.
 */
export class AuthStore {
  private state: AuthState;
  private readonly listeners = new Set<() => void>();

  constructor() {
    this.state = { auth: this.load(), notice: null };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current state; the same object until it changes (for useSyncExternalStore). */
  readonly snapshot = (): AuthState => this.state;

  get token(): string | null {
    return this.state.auth?.token ?? null;
  }

  use(token: string, username: string | null): void {
    this.save({ token, username });
    this.update({ auth: { token, username, from: "playground" }, notice: null });
  }

  logOut(): void {
    this.save(null);
    this.update({ auth: null, notice: null });
  }

  /** The server refused `token` (expired or invalid): drop it if it is still the one in use. */
  refused(token: string, notice: string): void {
    if (this.token !== token) return;
    this.save(null);
    this.update({ auth: null, notice });
  }

  tell(notice: string | null): void {
    this.update({ ...this.state, notice });
  }

  private update(next: AuthState): void {
    this.state = next;
    this.listeners.forEach((listener) => listener());
  }

  private load(): PlaygroundAuth | null {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      if (raw !== null) {
        const stored = JSON.parse(raw) as { token?: unknown; username?: unknown } | null;
        if (typeof stored?.token !== "string") return null; // logged out here
        return { token: stored.token, username: typeof stored.username === "string" ? stored.username : null, from: "playground" };
      }
    } catch {
      // unreadable: fall back to the web app's session
    }
    const session = loadSession();
    return session ? { token: session.token, username: session.user.username, from: "web app" } : null;
  }

  private save(auth: Omit<PlaygroundAuth, "from"> | null): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(auth ? { token: auth.token, username: auth.username } : { token: null }));
    } catch {
      // storage full or disabled: the token lasts until the page is closed
    }
  }
}
