import { useMutation } from "@apollo/client/react";
import { useState } from "react";
import { describeError } from "../errors";
import { LeaveCourseDocument } from "./operations";

export function LeaveCourseButton({ courseId, title }: { courseId: string; title: string }) {
  const [leave, { loading }] = useMutation(LeaveCourseDocument);
  const [error, setError] = useState<string | null>(null);
  async function click() {
    if (!window.confirm(`Leave “${title}”? You will no longer see its chat room.`)) return;
    setError(null);
    try {
      await leave({ variables: { courseId } });
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => void click()} disabled={loading}>
        {loading ? "Leaving…" : "Leave course"}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </>
  );
}
