import { useQuery } from "@apollo/client/react";
import { useEffect } from "react";
import { useApi } from "../api-context";
import { MyCoursesDocument } from "../courses/operations";
import type { MyRoomsUpdatedSubscription } from "../gql/graphql";
import { CourseReadStateFragment, MyRoomsUpdatedDocument, UnreadRoomsDocument } from "./operations";

type RoomUpdate = MyRoomsUpdatedSubscription["myRoomsUpdated"];

/**
 * The tab's one per-user stream (on the session's shared socket): each update is a room's
 * whole state, written into the cached course so the course list, the navigation and the
 * tab title follow. Resumes with the last cursor after a drop.
 */
export function useRoomsUpdated(enabled: boolean): void {
  const { client, ws } = useApi();
  useEffect(() => {
    if (!enabled || !ws) return;
    let cursor: string | null = null;
    let live: { unsubscribe(): void } | null = null;
    let cancelled = false;

    const apply = (update: RoomUpdate) => {
      cursor = update.cursor;
      if (update.kind === "JOINED" || update.kind === "LEFT") {
        void client.refetchQueries({ include: [UnreadRoomsDocument, MyCoursesDocument] });
      }
      client.cache.writeFragment({
        id: client.cache.identify({ __typename: "Course", id: update.courseId }),
        fragment: CourseReadStateFragment,
        data: {
          id: update.courseId,
          unreadCount: update.unreadCount ?? null,
          mentionCount: update.mentionCount ?? null,
          unreadBadge: update.unreadBadge ?? null,
          lastReadMessageId: update.lastReadMessageId ?? null,
          firstUnreadMessageId: update.firstUnreadMessageId ?? null,
          lastActivityAt: update.lastActivityAt ?? null,
          lastMessage: update.lastMessage ?? null,
        },
      });
    };
    const follow = () => {
      live?.unsubscribe();
      live = client.subscribe({ query: MyRoomsUpdatedDocument, variables: { after: cursor } }).subscribe({
        next: (result) => {
          const update = result.data?.myRoomsUpdated;
          if (update) apply(update);
        },
        // A refusal on a socket that stays up: try again a little later.
        error: () => {
          live = null;
          setTimeout(() => !cancelled && !live && follow(), 5000);
        },
      });
    };
    const off = [
      ws.on("closed", () => {
        live?.unsubscribe();
        live = null;
      }),
      ws.on("connected", () => !cancelled && !live && follow()),
    ];
    follow();
    return () => {
      cancelled = true;
      live?.unsubscribe();
      off.forEach((stop) => stop());
    };
  }, [enabled, client, ws]);
}

/** The sum of every room's counts, as the stream keeps them. */
export function useUnreadTotals(enabled: boolean): { unread: number; mentions: number } {
  const { data } = useQuery(UnreadRoomsDocument, { skip: !enabled, fetchPolicy: "cache-and-network" });
  let unread = 0;
  let mentions = 0;
  for (const course of data?.myCourses ?? []) {
    unread += course.unreadCount ?? 0;
    mentions += course.mentionCount ?? 0;
  }
  return { unread, mentions };
}
