import { useQuery } from "@apollo/client/react";
import { useEffect, useState } from "react";
import { useApi } from "../api-context";
import type { PresenceUpdatesSubscription } from "../gql/graphql";
import { PresenceUpdatesDocument, RoomOnlineDocument } from "./operations";

type PresenceUser = PresenceUpdatesSubscription["presenceUpdates"]["user"];
type Counts = PresenceUpdatesSubscription["presenceUpdates"]["counts"];

export interface RoomPresence {
  /** Who has the room open now, by name. */
  online: readonly PresenceUser[];
  counts: Counts | null;
}

interface Live {
  /** Changes since the list was last asked for, applied on top of it. */
  joined: Map<string, PresenceUser>;
  left: Set<string>;
  counts: Counts | null;
}

const NONE: Live = { joined: new Map(), left: new Set(), counts: null };

/** Course.online, then joins and leaves live; asked again after every reconnect. */
export function useRoomPresence(courseId: string): RoomPresence {
  const { client, ws } = useApi();
  const { data, refetch } = useQuery(RoomOnlineDocument, { variables: { id: courseId }, fetchPolicy: "network-only" });
  const [live, setLive] = useState<Live>(NONE);

  useEffect(() => {
    let subscription: { unsubscribe(): void } | null = null;
    const follow = () => {
      subscription?.unsubscribe();
      subscription = client.subscribe({ query: PresenceUpdatesDocument, variables: { courseId } }).subscribe({
        next: (result) => {
          const update = result.data?.presenceUpdates;
          if (!update) return;
          setLive((current) => {
            const joined = new Map(current.joined);
            const left = new Set(current.left);
            if (update.kind === "JOINED") {
              joined.set(update.user.id, update.user);
              left.delete(update.user.id);
            } else if (update.kind === "LEFT") {
              joined.delete(update.user.id);
              left.add(update.user.id);
            }
            return { joined, left, counts: update.counts };
          });
        },
        error: () => (subscription = null),
      });
    };
    follow();
    const off = ws
      ? [
          ws.on("closed", () => {
            subscription?.unsubscribe();
            subscription = null;
          }),
          // Joins and leaves missed while away: the list afresh, then live again.
          ws.on("connected", () => {
            if (subscription) return;
            follow();
            setLive(NONE);
            void refetch().catch(() => undefined);
          }),
        ]
      : [];
    return () => {
      subscription?.unsubscribe();
      off.forEach((stop) => stop());
    };
  }, [client, ws, courseId, refetch]);

  const base = data?.course?.online ?? [];
  const online = new Map(base.filter((user) => !live.left.has(user.id)).map((user) => [user.id, user]));
  for (const [id, user] of live.joined) online.set(id, user);
  const counts = live.counts ?? data?.course?.onlineCounts ?? null;
  return { online: [...online.values()].sort((a, b) => a.username.localeCompare(b.username)), counts };
}
