import { useQuery } from "@apollo/client/react";
import { describeError } from "../errors";
import { CourseList } from "./CourseList";
import { CoursesDocument } from "./operations";

export function CatalogPage() {
  const { data, loading, error } = useQuery(CoursesDocument, { fetchPolicy: "cache-and-network" });
  return (
    <main>
      <h1>Course catalogue</h1>
      {error && <p role="alert" className="error">{describeError(error)}</p>}
      {loading && !data && <p>Loading courses…</p>}
      {data && <CourseList courses={data.courses} empty="No courses yet." />}
    </main>
  );
}
