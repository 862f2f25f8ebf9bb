import { useEffect, useState } from "react";
import { useApi } from "../api-context";
import { errorCode } from "../errors";
import { PresenceUpdatesDocument } from "./operations";
import { applyPresence, NOBODY, type RoomPresence } from "./room-presence";

/** First wait before subscribing again after a failure other than FORBIDDEN; doubled each time up to the cap. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * Who is in the room, from one stream that opens with the list (CURRENT) and goes on with joins
 * and leaves: reading Course.online and then subscribing would miss a join made between the two.
 * Subscribed again after every reconnect, and after a failure while the socket stays up.
 */
export function useRoomPresence(courseId: string): RoomPresence {
  const { client, ws } = useApi();
  const [shown, setShown] = useState<{ courseId: string; presence: RoomPresence } | null>(null);

  useEffect(() => {
    let cancelled = false;
    let live: { unsubscribe(): void } | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let retryDelay = RETRY_FIRST_MS;

    const follow = () => {
      live?.unsubscribe();
      live = client.subscribe({ query: PresenceUpdatesDocument, variables: { courseId } }).subscribe({
        next: (result) => {
          const update = result.data?.presenceUpdates;
          if (!update) {
            if (result.error) failed(result.error);
            return;
          }
          if (update.kind === "CURRENT") retryDelay = RETRY_FIRST_MS;
          setShown((current) => ({ courseId, presence: applyPresence(current?.courseId === courseId ? current.presence : NOBODY, update) }));
        },
        error: (caught: unknown) => failed(caught),
      });
    };

    const failed = (caught: unknown) => {
      if (cancelled) return;
      live?.unsubscribe();
      live = null;
      clearTimeout(retry);
      // Not (or no longer) a member: nobody to show, and asking again would not change that.
      if (errorCode(caught) === "FORBIDDEN") {
        setShown({ courseId, presence: NOBODY });
        return;
      }
      // Refused for now (a restarting database, say) on a socket that stays up: no reconnect will come to restart it.
      retry = setTimeout(() => !cancelled && !live && follow(), retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    };

    follow();
    const off = ws
      ? [
          ws.on("closed", () => {
            live?.unsubscribe();
            live = null;
          }),
          // Joins and leaves missed while away: the new stream opens with the list afresh.
          ws.on("connected", () => !cancelled && !live && follow()),
        ]
      : [];
    return () => {
      cancelled = true;
      clearTimeout(retry);
      live?.unsubscribe();
      off.forEach((stop) => stop());
    };
  }, [client, ws, courseId]);

  return shown?.courseId === courseId ? shown.presence : NOBODY;
}
