import { useQuery } from "@apollo/client/react";
import { useUser } from "../auth/session";
import { describeError, REMOVED_EXPLANATION } from "../errors";
import { Link } from "../router";
import { EnrollButton } from "./EnrollButton";
import { LeaveCourseButton } from "./LeaveCourseButton";
import { CourseDocument } from "./operations";
import { RoomSettingsForm } from "./RoomSettingsForm";
import { StudentRoster } from "./StudentRoster";

export function CoursePage({ courseId }: { courseId: string }) {
  const user = useUser();
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
  const owner = course.owner.id === user.id;
  const moderator = owner || user.role === "Staff";
  return (
    <main className="course-page">
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
        ) : course?.isRemoved ? (
          <p className="notice">{REMOVED_EXPLANATION}</p>
        ) : (
          <EnrollButton courseId={course.id} title={course.title} />
        )}
        {course.isMember && !owner && <LeaveCourseButton courseId={course.id} title={course.title} />}
      </div>
      {moderator && (
        <>
          <RoomSettingsForm
            courseId={course.id}
            announcementOnly={course.announcementOnly}
            slowModeSeconds={course.slowModeSeconds}
          />
          <StudentRoster courseId={course.id} />
        </>
      )}
    </main>
  );
}
