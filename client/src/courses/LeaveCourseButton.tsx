import { useMutation } from "@apollo/client/react";
import { ActionButton } from "../ui/ActionButton";
import { LeaveCourseDocument } from "./operations";

export function LeaveCourseButton({ courseId, title }: { courseId: string; title: string }) {
  const [leave] = useMutation(LeaveCourseDocument);
  return (
    <ActionButton
      className="secondary"
      busyLabel="Leaving…"
      confirm={`Leave “${title}”? You will no longer see its chat room.`}
      action={() => leave({ variables: { courseId } })}
    >
      Leave course
    </ActionButton>
  );
}
