import { useQuery } from "@apollo/client/react";
import { useSession } from "../auth/session";
import { describeError } from "../errors";
import { Link } from "../router";
import { CourseList } from "./CourseList";
import { CoursesDocument } from "./operations";

export function CatalogPage() {
  const { session } = useSession();
  const { data, loading, error } = useQuery(CoursesDocument, { fetchPolicy: "cache-and-network" });
  return (
    <main>
      <h1>Course catalogue</h1>
      {!session && (
        <p>
          Every course has a chat room for its students, instructor and staff. <Link to="/login">Log in</Link> or{" "}
          <Link to="/register">sign up</Link> to join one.
        </p>
      )}
      {error && <p role="alert" className="error">{describeError(error)}</p>}
      {loading && !data && <p>Loading courses…</p>}
      {data && <CourseList courses={data.courses} empty="No courses yet." />}
    </main>
  );
}
