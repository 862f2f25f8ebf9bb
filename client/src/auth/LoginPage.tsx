import { useMutation } from "@apollo/client/react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { describeError } from "../errors";
import { Link, navigate } from "../router";
import { LoginDocument, RegisterDocument } from "./operations";
import { useSession } from "./session";

/** Only same-site paths, so a crafted ?next= cannot send the user elsewhere. */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage({ mode, search }: { mode: "login" | "register"; search: string }) {
  const { logIn } = useSession();
  const [login] = useMutation(LoginDocument);
  const [register] = useMutation(RegisterDocument);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const ids = { username: useId(), password: useId(), usernameRules: useId(), passwordRules: useId() };
  const signUp = mode === "register";
  const expired = new URLSearchParams(search).has("expired");
  const title = mode === "login" ? "Log in" : "Sign up";

  useEffect(() => usernameRef.current?.focus(), [mode]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const variables = { username: String(form.get("username")).trim(), password: String(form.get("password")) };
    setBusy(true);
    setError(null);
    try {
      const result =
        mode === "login"
          ? (await login({ variables })).data?.login
          : (await register({ variables })).data?.register;
      if (!result) throw new Error("no result");
      logIn({ token: result.token, user: result.user });
      navigate(safeNext(search), { replace: true });
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  const other = mode === "login" ? "/register" : "/login";
  return (
    <main className="auth-page">
      <h1>{title}</h1>
      {expired && mode === "login" && <p className="notice">Your session has expired. Please log in again.</p>}
      <form onSubmit={submit} className="stack">
        <label htmlFor={ids.username}>Username</label>
        <input
          id={ids.username}
          ref={usernameRef}
          name="username"
          autoComplete="username"
          required
          minLength={3}
          maxLength={32}
          pattern={signUp ? "[A-Za-z0-9._\\-]{3,32}" : undefined}
          aria-describedby={signUp ? ids.usernameRules : undefined}
        />
        {signUp && (
          <p id={ids.usernameRules} className="hint">
            3 to 32 characters: letters, digits, dot (.), underscore (_) or hyphen (-).
          </p>
        )}
        <label htmlFor={ids.password}>Password</label>
        <input
          id={ids.password}
          name="password"
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          required
          minLength={8}
          aria-describedby={signUp ? ids.passwordRules : undefined}
        />
        {signUp && (
          <p id={ids.passwordRules} className="hint">
            At least 8 characters.
          </p>
        )}
        <div role="alert" className="error">
          {error}
        </div>
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
      <p>
        {mode === "login" ? "No account yet? " : "Already have an account? "}
        <Link to={`${other}${search}`}>{mode === "login" ? "Sign up" : "Log in"}</Link>
      </p>
      <p>
        <Link to="/">Browse the course catalogue</Link>
      </p>
    </main>
  );
}
