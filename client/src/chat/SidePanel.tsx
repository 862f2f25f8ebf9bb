import { useEffect, useId, useRef, type ReactNode } from "react";
import { CloseButton } from "../ui/CloseButton";

/** A panel beside the room (over it on phones): focus moves in when it opens, Escape closes it. */
export function SidePanel({ id, title, onClose, children }: { id: string; title: string; onClose: () => void; children: ReactNode }) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <aside id={id} className="side-panel" aria-labelledby={headingId} onKeyDown={(event) => event.key === "Escape" && onClose()}>
      <div className="side-panel-header">
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <CloseButton label={`Close ${title.toLowerCase()}`} onClick={onClose} />
      </div>
      {children}
    </aside>
  );
}
