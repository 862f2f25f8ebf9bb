/**
 * The room stream's resume position: what `roomEvents(after:)` is given after a reconnect.
 *
 * It moves only with what the room received in stream order (the newest history page, then
 * each event of the subscription), never with the answer to the user's own send over HTTP:
 * that message may be newer than others the stream has not delivered yet, and resuming after
 * it would skip them.
 *
 * Every event carries its own opaque `cursor` (edits, deletions and reactions included), so a
 * room that comes back resumes after the last event it saw and is replayed every change it
 * missed. A message id from history stays a valid `after` ("after that message").
 */
export type RoomCursor = string;

/** What of a room event the cursor needs. */
export interface StreamEvent {
  cursor: RoomCursor;
}

/** The stream position an event leaves the room at. */
export function positionOf(event: StreamEvent): RoomCursor {
  return event.cursor;
}

export class ResumeCursor {
  private position: RoomCursor | null = null;

  /** Where to resume; null: from now on (a room with no history yet). */
  get value(): RoomCursor | null {
    return this.position;
  }

  /** History was loaded afresh: its newest message is where the stream takes over. */
  fromHistory(newestMessageId: string | null): void {
    this.position = newestMessageId;
  }

  /** An event arrived on the subscription, in stream order. */
  fromEvent(event: StreamEvent): void {
    this.position = positionOf(event);
  }

  reset(): void {
    this.position = null;
  }
}
