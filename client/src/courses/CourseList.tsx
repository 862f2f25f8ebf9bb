import { useSession } from "../auth/session";
import { Link } from "../router";
import { REMOVED_EXPLANATION } from "../errors";
import { UnreadBadges } from "../readstate/UnreadBadges";
import { EnrollButton } from "./EnrollButton";

export interface CourseSummary {
  id: string;
  title: string;
  overview: string;
  isMember: boolean;
  owner: { username: string };
  /** A moderator removed the current user: they cannot enrol again until re-admitted. */
  isRemoved: boolean;
  /** The reader's counts (My courses): absent in the catalogue. */
  unreadCount?: number | null;
  mentionCount?: number | null;
  unreadBadge?: string | null;
  lastMessage?: { content: string; user: { username: string } } | null;
}

const preview = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

export function CourseList({ courses, empty }: { courses: CourseSummary[]; empty: string }) {
  const { session } = useSession();
  if (courses.length === 0) return <p>{empty}</p>;
  return (
    <ul className="course-list">
      {courses.map((course) => (
        <li key={course.id} className="card" data-course-id={course.id}>
          <h2>
            <Link to={`/courses/${course.id}`}>{course.title}</Link>
            <UnreadBadges unread={course.unreadCount} mentions={course.mentionCount} badge={course.unreadBadge} />
          </h2>
          <p className="muted">Taught by {course.owner.username}</p>
          {course.lastMessage ? (
            <p className="last-message">
              <span className="sender">{course.lastMessage.user.username}:</span> {preview(course.lastMessage.content)}
            </p>
          ) : (
            course.overview && <p>{course.overview}</p>
          )}
          <div className="actions">
            {!session ? (
              <Link to={`/login?next=${encodeURIComponent(`/courses/${course.id}/chat`)}`} className="button" aria-label={`Log in to join ${course.title}`}>
                Log in to join
              </Link>
            ) : course.isMember ? (
              <Link to={`/courses/${course.id}/chat`} className="button">
                Course chat room
              </Link>
            ) : course?.isRemoved ? (
              <p className="muted">{REMOVED_EXPLANATION}</p>
            ) : (
              <EnrollButton courseId={course.id} title={course.title} />
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
