import { EnrollButton } from "../courses/EnrollButton";
import { REMOVED_EXPLANATION } from "../errors";
import { Link } from "../router";

interface Props {
  courseId: string;
  title: string;
  /** `extensions.reason` of the refusal; REMOVED: a moderator removed this user. */
  reason?: string | undefined;
  /** Course.isRemoved: a moderator removed the user, who cannot enrol again until re-admitted. */
  removed?: boolean;
  onEnrolled: () => void;
}

export function NotEnrolled({ courseId, title, reason, removed, onEnrolled }: Props) {
  if (removed || reason === "REMOVED") {
    return (
      <main className="not-enrolled">
        <h1>You were removed from this course</h1>
        <p>{REMOVED_EXPLANATION}</p>
        <div className="actions">
          <Link to="/">Back to the catalogue</Link>
        </div>
      </main>
    );
  }
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
