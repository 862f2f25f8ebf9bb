import { useQuery } from "@apollo/client/react";
import { describeError } from "../errors";
import { Link } from "../router";
import { EnrollButton } from "./EnrollButton";
import { CourseDocument } from "./operations";

export function CoursePage({ courseId }: { courseId: string }) {
  const { data, loading, error } = useQuery(CourseDocument, { variables: { id: courseId }, fetchPolicy: "cache-and-network" });
  if (error) return <main><p role="alert" className="error">{describeError(error)}</p></main>;
  if (loading && !data) return <main><p>Loading course…</p></main>;
  const course = data?.course;
  if (!course) {
    return (
      <main>
        <h1>Course not found</h1>
        <Link to="/">Back to the catalogue</Link>
      </main>
    );
  }
  return (
    <main>
      <h1>{course.title}</h1>
      <p className="muted">
        Taught by {course.owner.username} · created{" "}
        <time dateTime={course.createdAt}>{new Date(course.createdAt).toLocaleDateString()}</time>
      </p>
      {course.overview && <p>{course.overview}</p>}
      <div className="actions">
        {course.isMember ? (
          <Link to={`/courses/${course.id}/chat`} className="button">
            Course chat room
          </Link>
        ) : (
          <EnrollButton courseId={course.id} title={course.title} />
        )}
      </div>
    </main>
  );
}
