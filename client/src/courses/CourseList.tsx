import { Link } from "../router";
import { EnrollButton } from "./EnrollButton";

export interface CourseSummary {
  id: string;
  title: string;
  overview: string;
  isMember: boolean;
  owner: { username: string };
}

export function CourseList({ courses, empty }: { courses: CourseSummary[]; empty: string }) {
  if (courses.length === 0) return <p>{empty}</p>;
  return (
    <ul className="course-list">
      {courses.map((course) => (
        <li key={course.id} className="card">
          <h2>
            <Link to={`/courses/${course.id}`}>{course.title}</Link>
          </h2>
          <p className="muted">Taught by {course.owner.username}</p>
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
        </li>
      ))}
    </ul>
  );
}
