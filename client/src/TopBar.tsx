import { useRef, useState } from "react";
import { useApi } from "./api-context";
import { LogoutDocument } from "./auth/operations";
import { useSession } from "./auth/session";
import { forgetLocalData, unsentCount } from "./chat/local-data";
import { Link, navigate, usePath } from "./router";
import { UnreadBadges } from "./readstate/UnreadBadges";
import { useUnreadTotals } from "./readstate/useRoomsUpdated";

/** The app's header: one line at any width; the links fold into a menu on phones. */
export function TopBar() {
  const { session, logOut } = useSession();
  const { client } = useApi();
  const path = usePath();
  // The menu is open for one page: navigating closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const setOpen = (next: boolean) => setOpenOn(next ? path : null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const totals = useUnreadTotals(Boolean(session));

  if (!session) {
    return (
      <header className="topbar">
        <Link to="/" className="brand">
          Educa Chat
        </Link>
        <nav aria-label="Account" className="topbar-links always">
          <Link to={`/login?next=${encodeURIComponent(path)}`}>Log in</Link>
          <Link to={`/register?next=${encodeURIComponent(path)}`}>Sign up</Link>
        </nav>
      </header>
    );
  }

  const canTeach = session.user.role === "Instructor" || session.user.role === "Staff";
  const out = () => {
    const unsent = unsentCount(session.user.id);
    if (unsent > 0 && !window.confirm(`${unsent} ${unsent === 1 ? "message is" : "messages are"} not sent yet. Log out and delete ${unsent === 1 ? "it" : "them"} from this browser?`)) return;
    // The server ends this device's session on every instance (its sockets close); should the
    // request be lost, the token is forgotten here all the same.
    void client.mutate({ mutation: LogoutDocument }).catch(() => undefined);
    forgetLocalData(session.user.id);
    logOut();
    navigate("/login", { replace: true });
  };
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        Educa Chat
      </Link>
      <button ref={menuButton} type="button" className="menu-button secondary small" aria-expanded={open} aria-controls="main-menu" onClick={() => setOpen(!open)}>
        Menu
        <UnreadBadges unread={totals.unread} mentions={totals.mentions} />
      </button>
      <div
        id="main-menu"
        className={open ? "topbar-menu open" : "topbar-menu"}
        onKeyDown={(event) => {
          if (event.key !== "Escape" || !open) return;
          setOpen(false);
          menuButton.current?.focus();
        }}
      >
        <nav aria-label="Main" className="topbar-links">
          <Link to="/">Catalogue</Link>
          <Link to="/my-courses">
            My courses
            <UnreadBadges unread={totals.unread} mentions={totals.mentions} />
          </Link>
          {canTeach && <Link to="/courses/new">New course</Link>}
          {canTeach && <Link to="/admin/messages">Message admin</Link>}
          {/* A page of its own (GraphiQL), not a route of this app. */}
          <a href="/playground">API playground</a>
        </nav>
        <div className="account">
          <span className="username">
            <span className="visually-hidden">Logged in as </span>
            {session.user.username}
          </span>
          <button type="button" className="secondary small" onClick={out}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
