import { useQuery } from "@apollo/client/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../api-context";
import { compareIds } from "../chat/message-order";
import { MarkReadDocument, RoomReadStateDocument } from "./operations";
import { ReadMarker } from "./read-marker";

export interface RoomReadState {
  /**
   * Whether the room's read state has come: until then the list is not yet where the reader
   * starts (at the divider), so what it shows must not be marked read.
   */
  known: boolean;
  /** Where "New messages" goes: the first unread message when the room opened (null: none). */
  dividerId: string | null;
  /** Unread messages in the room now (the server's count, kept live by the per-user stream). */
  unreadCount: number;
  /** The read marker when the room opened: the first message after it starts the backlog. */
  openedAfterId: string | null;
  /** The newest message now on screen, the tab focused and visible. */
  seen(messageId: string): void;
}

/** How often, at most, this tab tells the server how far the reader has read. */
export const MARK_READ_INTERVAL_MS = 500;

export function useRoomReadState(courseId: string): RoomReadState {
  const { client } = useApi();
  // Asked afresh on opening; afterwards the cached course follows the per-user stream.
  const { data } = useQuery(RoomReadStateDocument, { variables: { id: courseId }, fetchPolicy: "network-only" });
  const course = data?.course;
  const [dividerId, setDividerId] = useState<string | null | undefined>(undefined);
  const [openedAfterId, setOpenedAfterId] = useState<string | null>(null);
  const marker = useRef<ReadMarker | null>(null);
  // Seen between the state's arrival and the marker's creation (an effect): kept, not lost.
  const early = useRef<string | null>(null);
  // The divider stays where it was when the room opened, while reading moves the marker.
  if (course && dividerId === undefined) {
    setDividerId(course.firstUnreadMessageId ?? null);
    setOpenedAfterId(course.lastReadMessageId ?? null);
  }

  useEffect(() => {
    if (!course) return;
    if (!marker.current) {
      marker.current = new ReadMarker(course.lastReadMessageId ?? null, {
        intervalMs: MARK_READ_INTERVAL_MS,
        send: (messageId) => void client.mutate({ mutation: MarkReadDocument, variables: { courseId, messageId } }).catch(() => undefined),
      });
      if (early.current) marker.current.seen(early.current);
      early.current = null;
    } else marker.current.known(course.lastReadMessageId ?? null);
  }, [course, client, courseId]);

  useEffect(
    () => () => {
      // Leaving the room: what was seen last still counts.
      marker.current?.flush();
      marker.current?.dispose();
    },
    [],
  );

  const seen = useCallback((messageId: string) => {
    if (marker.current) marker.current.seen(messageId);
    else if (!early.current || compareIds(messageId, early.current) > 0) early.current = messageId;
  }, []);
  return { known: dividerId !== undefined, dividerId: dividerId ?? null, unreadCount: course?.unreadCount ?? 0, openedAfterId, seen };
}
