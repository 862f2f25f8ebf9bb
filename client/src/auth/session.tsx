import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { Role } from "../gql/graphql";

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  token: string;
  user: SessionUser;
}

const STORAGE_KEY = "educa-chat.session";

/** The stored session, if any (the playground prefills its headers with its token). */
export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    return typeof parsed.token === "string" && parsed.user ? (parsed as Session) : null;
  } catch {
    return null; // corrupt storage: start logged out
  }
}

interface SessionContextValue {
  session: Session | null;
  logIn(session: Session): void;
  logOut(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const logIn = useCallback((next: Session) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setSession(next);
  }, []);
  const logOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, logIn, logOut }), [session, logIn, logOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The logged-in user; only for pages rendered behind the login gate. */
export function useUser(): SessionUser {
  const { session } = useSession();
  if (!session) throw new Error("useUser without a session");
  return session.user;
}
