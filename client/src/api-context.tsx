import { ApolloProvider } from "@apollo/client/react";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { createApi, type Api } from "./apollo";
import { useSession } from "./auth/session";
import { here, navigate } from "./router";

const ApiContext = createContext<Api | null>(null);

/**
 * Builds the Apollo client and socket for the logged-in user; rebuilt on log in / log out,
 * not when the token is renewed (the client reads the newest token itself).
 */
export function ApiProvider({ children }: { children: ReactNode }) {
  const { session, logIn, logOut } = useSession();
  const userId = session?.user.id ?? null;
  const latest = useRef({ session, logIn, logOut });
  useEffect(() => {
    latest.current = { session, logIn, logOut };
  }, [session, logIn, logOut]);

  // Created in an effect (not during render) so each socket has a matching cleanup.
  const [current, setCurrent] = useState<{ userId: string | null; api: Api } | null>(null);
  useEffect(() => {
    let expired = false;
    const next = createApi(latest.current.session, {
      onUnauthenticated: () => {
        // Several requests may fail at once; send the user to log in only once.
        if (expired) return;
        expired = true;
        latest.current.logOut();
        const path = here();
        if (!path.startsWith("/login")) navigate(`/login?expired=1&next=${encodeURIComponent(path)}`, { replace: true });
      },
      onRenewed: (renewed) => {
        if (!expired) latest.current.logIn(renewed);
      },
    });
    setCurrent({ userId, api: next });
    return () => next.dispose();
  }, [userId]);

  if (!current || current.userId !== userId) return null;
  const { api } = current;
  return (
    <ApiContext.Provider value={api}>
      <ApolloProvider client={api.client}>{children}</ApolloProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside ApiProvider");
  return api;
}
