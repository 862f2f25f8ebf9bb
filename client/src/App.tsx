import { useEffect } from "react";
import { AdminMessagesPage } from "./admin/AdminMessagesPage";
import { LoginPage } from "./auth/LoginPage";
import { useSession } from "./auth/session";
import { ChatRoomPage } from "./chat/ChatRoomPage";
import { CatalogPage } from "./courses/CatalogPage";
import { CoursePage } from "./courses/CoursePage";
import { CreateCoursePage } from "./courses/CreateCoursePage";
import { MyCoursesPage } from "./courses/MyCoursesPage";
import { QuestionQueuePage } from "./questions/QuestionQueuePage";
import { tabTitle } from "./readstate/format";
import { useRoomsUpdated, useUnreadTotals } from "./readstate/useRoomsUpdated";
import { Link, navigate, usePath } from "./router";
import { TopBar } from "./TopBar";

function route(pathname: string) {
  const room = /^\/courses\/(\d+)\/chat\/?$/.exec(pathname);
  if (room?.[1]) return <ChatRoomPage key={room[1]} courseId={room[1]} />;
  const queue = /^\/courses\/(\d+)\/questions\/?$/.exec(pathname);
  if (queue?.[1]) return <QuestionQueuePage key={queue[1]} courseId={queue[1]} />;
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
  const { session } = useSession();
  const [pathname = "/", query = ""] = path.split("?");
  const search = query ? `?${query}` : "";
  const publicPage = pathname === "/login" || pathname === "/register";
  // The catalogue is public: anyone may see what is taught before signing up.
  const anonymousPage = pathname === "/";

  // One per-user stream per tab keeps every room's counts; the tab title shows their sum.
  useRoomsUpdated(Boolean(session));
  const totals = useUnreadTotals(Boolean(session));
  useEffect(() => {
    document.title = tabTitle(session ? totals.unread : 0, session ? totals.mentions : 0);
  }, [session, totals.unread, totals.mentions]);

  // Logged-out visitors go to log in, and come back here afterwards.
  useEffect(() => {
    if (!session && !publicPage && !anonymousPage) navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
  }, [session, publicPage, anonymousPage, path]);

  if (publicPage) return <LoginPage key={pathname} mode={pathname === "/login" ? "login" : "register"} search={search} />;
  if (!session && !anonymousPage) return null;
  return (
    <div className="app">
      <TopBar />
      {route(pathname)}
    </div>
  );
}
