import { useMutation } from "@apollo/client/react";
import { ActionButton } from "../ui/ActionButton";
import { EnrollDocument } from "./operations";

export function EnrollButton({ courseId, title, onEnrolled }: { courseId: string; title: string; onEnrolled?: () => void }) {
  const [enroll] = useMutation(EnrollDocument);
  return (
    <ActionButton
      busyLabel="Enrolling…"
      aria-label={`Enroll in ${title}`}
      action={async () => {
        await enroll({ variables: { courseId } });
        onEnrolled?.();
      }}
    >
      Enroll
    </ActionButton>
  );
}
