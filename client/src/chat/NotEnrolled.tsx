import { EnrollButton } from "../courses/EnrollButton";
import { Link } from "../router";

export function NotEnrolled({ courseId, title, onEnrolled }: { courseId: string; title: string; onEnrolled: () => void }) {
  return (
    <main className="not-enrolled">
      <h1>You are not enrolled in this course</h1>
      <p>Only members of “{title}” can read and write in its chat room. Enroll to join the conversation.</p>
      <div className="actions">
        <EnrollButton courseId={courseId} title={title} onEnrolled={onEnrolled} />
        <Link to="/">Back to the catalogue</Link>
      </div>
    </main>
  );
}
