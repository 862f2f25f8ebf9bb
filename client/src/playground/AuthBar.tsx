import { useState, useSyncExternalStore, type FormEvent } from "react";
import type { AuthStore } from "./auth-store";

type Answer = { status: number; data?: Record<string, any> | null; errors?: { message: string }[] };

async function graphql(query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, "status">) };
}

const LOGIN = "mutation PlaygroundLogin($username: String!, $password: String!) { login(username: $username, password: $password) { token user { username } } }";
const ME = "query PlaygroundMe { me { username } }";

/** Log in, paste a token, log out; and what the page must tell the user about their token. */
export function AuthBar({ store }: { store: AuthStore }) {
  const { auth, notice } = useSyncExternalStore(store.subscribe, store.snapshot);
  const [busy, setBusy] = useState(false);

  const attempt = (work: (form: FormData) => Promise<string | null>) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    try {
      store.tell(await work(new FormData(event.currentTarget)));
    } catch {
      store.tell("Could not reach the server: check that it is running, then try again.");
    } finally {
      setBusy(false);
    }
  };

  const logIn = attempt(async (form) => {
    const answer = await graphql(LOGIN, { username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
    const login = answer.data?.["login"] as { token: string; user: { username: string } } | undefined;
    if (!login) return answer.errors?.[0]?.message ?? "Could not log in.";
    store.use(login.token, login.user.username);
    return null;
  });

  const applyToken = attempt(async (form) => {
    const token = String(form.get("token") ?? "")
      .trim()
      .replace(/^bearer\s+/i, "");
    if (!token) return "Paste a token from login, register or refreshToken.";
    const answer = await graphql(ME, {}, token);
    if (answer.status === 401) return "The server refused that token (it expired or is invalid): log in instead.";
    const me = answer.data?.["me"] as { username: string } | null | undefined;
    store.use(token, me?.username ?? null);
    return null;
  });

  return (
    <header className="pg-auth">
      <a className="pg-brand" href="/">
        Educa Chat
      </a>
      {auth ? (
        <>
          <span className="pg-who" role="status">
            Logged in as <strong>{auth.username ?? "the pasted token's user"}</strong>
            {auth.from === "web app" ? " (from the web app)" : ""}: every request carries this token.
          </span>
          <button type="button" onClick={() => store.logOut()}>
            Log out
          </button>
        </>
      ) : (
        <>
          <span className="pg-who" role="status">
            Not logged in: the catalogue (courses, course), register and login work; everything else needs a token.
          </span>
          <form aria-label="Log in" onSubmit={logIn}>
            <label>
              Username <input name="username" autoComplete="username" required />
            </label>
            <label>
              Password <input name="password" type="password" autoComplete="current-password" required />
            </label>
            <button type="submit" disabled={busy}>
              Log in
            </button>
          </form>
          <form aria-label="Use a token" onSubmit={applyToken}>
            <label>
              Token <input name="token" autoComplete="off" spellCheck={false} />
            </label>
            <button type="submit" disabled={busy}>
              Use token
            </button>
          </form>
        </>
      )}
      {notice && (
        <p className="pg-notice" role="alert">
          {notice}{" "}
          <button type="button" className="pg-dismiss" onClick={() => store.tell(null)}>
            Dismiss
          </button>
        </p>
      )}
    </header>
  );
}
