import { useEffect } from "react";
import { AdminMessagesPage } from "./admin/AdminMessagesPage";
import { LoginPage } from "./auth/LoginPage";
import { useSession } from "./auth/session";
import { ChatRoomPage } from "./chat/ChatRoomPage";
import { CatalogPage } from "./courses/CatalogPage";
import { CoursePage } from "./courses/CoursePage";
import { CreateCoursePage } from "./courses/CreateCoursePage";
import { MyCoursesPage } from "./courses/MyCoursesPage";
import { Link, navigate, usePath } from "./router";

function route(pathname: string) {
  const room = /^\/courses\/(\d+)\/chat\/?$/.exec(pathname);
  if (room?.[1]) return <ChatRoomPage key={room[1]} courseId={room[1]} />;
  const course = /^\/courses\/(\d+)\/?$/.exec(pathname);
  if (course?.[1]) return <CoursePage key={course[1]} courseId={course[1]} />;
  switch (pathname) {
    case "/":
      return <CatalogPage />;
    case "/my-courses":
      return <MyCoursesPage />;
    case "/courses/new":
      return <CreateCoursePage />;
    case "/admin/messages":
      return <AdminMessagesPage />;
    default:
      return (
        <main>
          <h1>Page not found</h1>
          <p>
            <Link to="/">Back to the catalogue</Link>
          </p>
        </main>
      );
  }
}

export function App() {
  const path = usePath();
  const { session, logOut } = useSession();
  const [pathname = "/", query = ""] = path.split("?");
  const search = query ? `?${query}` : "";
  const publicPage = pathname === "/login" || pathname === "/register";

  // Logged-out visitors go to log in, and come back here afterwards.
  useEffect(() => {
    if (!session && !publicPage) navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
  }, [session, publicPage, path]);

  if (publicPage) return <LoginPage key={pathname} mode={pathname === "/login" ? "login" : "register"} search={search} />;
  if (!session) return null;

  const canTeach = session.user.role === "Instructor" || session.user.role === "Staff";
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          Educa Chat
        </Link>
        <nav aria-label="Main">
          <Link to="/">Catalogue</Link>
          <Link to="/my-courses">My courses</Link>
          {canTeach && <Link to="/courses/new">New course</Link>}
          {canTeach && <Link to="/admin/messages">Message admin</Link>}
        </nav>
        <div className="account">
          <span aria-label="Logged in as">{session.user.username}</span>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              logOut();
              navigate("/login", { replace: true });
            }}
          >
            Log out
          </button>
        </div>
      </header>
      {route(pathname)}
    </div>
  );
}
