import { useQuery } from "@apollo/client/react";
import { describeError } from "../errors";
import { CourseList } from "./CourseList";
import { MyCoursesDocument } from "./operations";

export function MyCoursesPage() {
  // Always ask the server: enrolling elsewhere changes this list.
  const { data, loading, error } = useQuery(MyCoursesDocument, { fetchPolicy: "network-only" });
  return (
    <main>
      <h1>My courses</h1>
      {error && <p role="alert" className="error">{describeError(error)}</p>}
      {loading && !data && <p>Loading your courses…</p>}
      {data && <CourseList courses={data.myCourses} empty="You are not enrolled in any course yet." />}
    </main>
  );
}
