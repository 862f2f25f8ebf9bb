import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { describeError } from "../errors";
import { CourseStudentsDocument, RemoveStudentDocument } from "./operations";

/** The enrolled students, each with a Remove button: their open room closes at once. */
export function StudentRoster({ courseId }: { courseId: string }) {
  const { data, loading, error, refetch } = useQuery(CourseStudentsDocument, {
    variables: { courseId },
    fetchPolicy: "network-only",
  });
  const [removeStudent] = useMutation(RemoveStudentDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function remove(student: { id: string; username: string }) {
    if (!window.confirm(`Remove ${student.username} from this course? Their chat room closes at once.`)) return;
    setBusy(student.id);
    setFailure(null);
    try {
      await removeStudent({ variables: { courseId, userId: student.id } });
      await refetch();
    } catch (caught) {
      setFailure(describeError(caught));
    } finally {
      setBusy(null);
    }
  }

  const students = data?.courseStudents ?? [];
  return (
    <section aria-labelledby="students-title" className="card">
      <h2 id="students-title">Enrolled students</h2>
      {(error || failure) && (
        <p role="alert" className="error">
          {failure ?? describeError(error)}
        </p>
      )}
      {loading && !data && <p>Loading students…</p>}
      {data && students.length === 0 && <p className="muted">No students are enrolled yet.</p>}
      {students.length > 0 && (
        <ul className="roster" aria-label="Enrolled students">
          {students.map((student) => (
            <li key={student.id}>
              <span>{student.username}</span>
              <button
                type="button"
                className="secondary"
                disabled={busy === student.id}
                onClick={() => void remove(student)}
                aria-label={`Remove ${student.username}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
