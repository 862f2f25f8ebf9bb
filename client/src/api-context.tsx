import { ApolloProvider } from "@apollo/client/react";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { createApi, type Api } from "./apollo";
import { useSession } from "./auth/session";
import { here, navigate } from "./router";

const ApiContext = createContext<Api | null>(null);

/** Builds the Apollo client and socket for the current token; rebuilt on log in / log out. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const { session, logOut } = useSession();
  const token = session?.token ?? null;
  const logOutRef = useRef(logOut);
  useEffect(() => {
    logOutRef.current = logOut;
  }, [logOut]);

  // Created in an effect (not during render) so each socket has a matching cleanup.
  const [current, setCurrent] = useState<{ token: string | null; api: Api } | null>(null);
  useEffect(() => {
    let expired = false;
    const next = createApi(token, () => {
      // Several requests may fail at once; send the user to log in only once.
      if (expired) return;
      expired = true;
      logOutRef.current();
      const path = here();
      if (!path.startsWith("/login")) navigate(`/login?expired=1&next=${encodeURIComponent(path)}`, { replace: true });
    });
    setCurrent({ token, api: next });
    return () => next.dispose();
  }, [token]);

  if (!current || current.token !== token) return null;
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
