import { useMutation } from "@apollo/client/react";
import { useState } from "react";
import { describeError } from "../errors";
import { EnrollDocument } from "./operations";

export function EnrollButton({ courseId, title, onEnrolled }: { courseId: string; title: string; onEnrolled?: () => void }) {
  const [enroll, { loading }] = useMutation(EnrollDocument);
  const [error, setError] = useState<string | null>(null);
  async function click() {
    setError(null);
    try {
      await enroll({ variables: { courseId } });
      onEnrolled?.();
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <>
      <button type="button" onClick={click} disabled={loading} aria-label={`Enroll in ${title}`}>
        {loading ? "Enrolling…" : "Enroll"}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </>
  );
}
