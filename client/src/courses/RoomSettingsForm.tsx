import { useMutation } from "@apollo/client/react";
import { useId, useState, type FormEvent } from "react";
import { describeError } from "../errors";
import { UpdateRoomSettingsDocument } from "./operations";

interface Props {
  courseId: string;
  announcementOnly: boolean;
  slowModeSeconds: number;
}

export const MAX_SLOW_MODE_SECONDS = 3600;

/** Announcement-only and slow mode, for the course's instructor and staff. */
export function RoomSettingsForm({ courseId, announcementOnly, slowModeSeconds }: Props) {
  const [update, { loading }] = useMutation(UpdateRoomSettingsDocument);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { announcement: useId(), slow: useId(), hint: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setSaved(false);
    try {
      await update({
        variables: {
          courseId,
          announcementOnly: form.get("announcementOnly") === "on",
          slowModeSeconds: Number(form.get("slowModeSeconds")),
        },
      });
      setSaved(true);
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <section aria-labelledby={`${ids.announcement}-title`} className="card">
      <h2 id={`${ids.announcement}-title`}>Room settings</h2>
      <form onSubmit={submit} className="stack" onChange={() => setSaved(false)}>
        <div className="check">
          <input id={ids.announcement} name="announcementOnly" type="checkbox" defaultChecked={announcementOnly} />
          <label htmlFor={ids.announcement}>Announcement-only (only the instructor and staff can post)</label>
        </div>
        <label htmlFor={ids.slow}>Slow mode (seconds between a student's messages, 0 is off)</label>
        <input
          id={ids.slow}
          name="slowModeSeconds"
          type="number"
          min={0}
          max={MAX_SLOW_MODE_SECONDS}
          step={1}
          required
          defaultValue={slowModeSeconds}
          className="narrow"
        />
        <div role="alert" className="error">
          {error}
        </div>
        <div className="actions">
          <button type="submit" disabled={loading}>
            Save settings
          </button>
          <span role="status">{saved ? "Settings saved." : ""}</span>
        </div>
      </form>
    </section>
  );
}
