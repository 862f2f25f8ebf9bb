import { type ReactNode, useState } from "react";
import { describeError } from "../errors";

export interface ActionButtonProps {
  /** Runs on click; a rejection is shown next to the button. */
  action: () => Promise<unknown>;
  children: ReactNode;
  /** Shown while the action runs. */
  busyLabel: string;
  /** Asked first with window.confirm; the action runs only on "OK". */
  confirm?: string;
  className?: string;
  "aria-label"?: string;
}

/** A button that runs one asynchronous action at a time and says why it failed, if it does. */
export function ActionButton({ action, children, busyLabel, confirm, className, "aria-label": ariaLabel }: ActionButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function click() {
    if (confirm && !window.confirm(confirm)) return;
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className={className} onClick={() => void click()} disabled={busy} aria-label={ariaLabel}>
        {busy ? busyLabel : children}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </>
  );
}
