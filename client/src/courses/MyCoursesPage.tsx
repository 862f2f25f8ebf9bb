import { useQuery } from "@apollo/client/react";
import { describeError } from "../errors";
import { compareIds } from "../chat/message-order";
import { CourseList } from "./CourseList";
import { MyCoursesDocument } from "./operations";

export function MyCoursesPage() {
  // Always ask the server: enrolling elsewhere changes this list.
  const { data, loading, error } = useQuery(MyCoursesDocument, { fetchPolicy: "network-only" });
  // Latest activity first, kept so as live updates move a room's latest message.
  const courses = [...(data?.myCourses ?? [])].sort((a, b) => (b.lastActivityAt ?? "").localeCompare(a.lastActivityAt ?? "") || compareIds(a.id, b.id));
  return (
    <main>
      <h1>My courses</h1>
      {error && <p role="alert" className="error">{describeError(error)}</p>}
      {loading && !data && <p>Loading your courses…</p>}
      {data && <CourseList courses={courses} empty="You are not enrolled in any course yet." />}
    </main>
  );
}
