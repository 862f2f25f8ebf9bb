import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../api-context";
import { describeError, errorCode } from "../errors";
import type { MessagesQuery } from "../gql/graphql";
import { DeleteMessageDocument, MessagesDocument, RoomEventsDocument, SendMessageDocument } from "./operations";

export type ChatMessage = MessagesQuery["messages"][number];

export const PAGE_SIZE = 5;
export const MAX_LENGTH = 4000;

export type RoomStatus = "loading" | "ready" | "forbidden" | "failed";

/** Authors may delete their own messages for this long (moderators always). */
export const AUTHOR_DELETE_WINDOW_MS = 15 * 60 * 1000;

/** The server refuses students' messages in announcement-only rooms with FORBIDDEN too. */
const isAnnouncementOnlyRefusal = (error: unknown) =>
  errorCode(error) === "FORBIDDEN" && /announcement/i.test(error instanceof Error ? error.message : "");

export interface ChatRoom {
  status: RoomStatus;
  messages: ChatMessage[];
  hasEarlier: boolean;
  loadingEarlier: boolean;
  error: string | null;
  /** The latest message from someone else that arrived live, for screen readers. */
  announcement: ChatMessage | null;
  loadEarlier(): Promise<void>;
  /** Resolves true when the message was accepted. */
  send(content: string): Promise<boolean>;
  /** Deletes a message for everyone; resolves true when the server accepted. */
  remove(messageId: string): Promise<boolean>;
  /** Set when a send was refused because the room became announcement-only. */
  announcementOnlyRefused: boolean;
  clearError(): void;
}

export function useChatRoom(courseId: string, userId: string): ChatRoom {
  const { client, ws } = useApi();
  const [status, setStatus] = useState<RoomStatus>("loading");
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [hasEarlier, setHasEarlier] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<ChatMessage | null>(null);
  const [announcementOnlyRefused, setAnnouncementOnlyRefused] = useState(false);
  // Kept in refs (not only state) so a reconnect reads the newest id synchronously.
  const known = useRef(new Map<string, ChatMessage>());
  const newestId = useRef<string | null>(null);
  const oldestId = useRef<string | null>(null);
  // Deleted ids never come back, even if a late mutation result or replay repeats them.
  const deleted = useRef(new Set<string>());

  /** Merges by id: the same message may come from the mutation, the subscription and a replay. */
  const add = useCallback((incoming: ChatMessage[]): boolean => {
    let changed = false;
    for (const message of incoming) {
      if (known.current.has(message.id) || deleted.current.has(message.id)) continue;
      known.current.set(message.id, message);
      changed = true;
    }
    if (!changed) return false;
    const sorted = [...known.current.values()].sort((a, b) => Number(a.id) - Number(b.id));
    newestId.current = sorted.at(-1)?.id ?? null;
    oldestId.current = sorted[0]?.id ?? null;
    setMessages(sorted);
    return true;
  }, []);

  /** Drops a deleted message; newestId and oldestId stay as they were, still valid cursors. */
  const drop = useCallback((messageId: string) => {
    deleted.current.add(messageId);
    if (!known.current.delete(messageId)) return;
    setMessages((current) => current.filter((m) => m.id !== messageId));
    setAnnouncement((current) => (current?.id === messageId ? null : current));
  }, []);

  // History first, then the live feed resuming from it: no gap between the two.
  useEffect(() => {
    let cancelled = false;
    let live: { unsubscribe(): void } | null = null;
    let unlisten: (() => void)[] = [];

    // Removed from the course or left it: the server ends the stream with FORBIDDEN.
    const lost = (caught: unknown) => {
      if (errorCode(caught) === "FORBIDDEN") setStatus("forbidden");
      else setError(describeError(caught));
    };

    const follow = () => {
      live?.unsubscribe();
      live = client
        .subscribe({ query: RoomEventsDocument, variables: { courseId, after: newestId.current } })
        .subscribe({
          next: (result) => {
            const event = result.data?.roomEvents;
            // Decided by the payload, not the enum spelling: additions carry the message.
            if (event?.message) {
              const message = event.message;
              if (add([message]) && message.user.id !== userId) setAnnouncement(message);
            } else if (event) {
              drop(event.messageId);
            } else if (result.error) {
              lost(result.error);
            }
          },
          error: lost,
        });
    };

    void client
      .query({ query: MessagesDocument, variables: { courseId, last: PAGE_SIZE }, fetchPolicy: "no-cache" })
      .then(
        (result) => {
          if (cancelled) return;
          if (result.error) throw result.error;
          const page = result.data?.messages ?? [];
          add(page);
          setHasEarlier(page.length === PAGE_SIZE);
          setStatus("ready");
          follow();
          if (ws) {
            // A dropped socket loses the subscription; on reconnect, start a fresh one from the
            // newest message shown so the server replays only what was missed.
            unlisten = [
              ws.on("closed", () => {
                live?.unsubscribe();
                live = null;
              }),
              ws.on("connected", () => {
                if (!live && !cancelled) follow();
              }),
            ];
          }
        },
      )
      .catch((caught: unknown) => {
        if (cancelled) return;
        if (errorCode(caught) === "FORBIDDEN") setStatus("forbidden");
        else {
          setStatus("failed");
          setError(describeError(caught));
        }
      });

    return () => {
      cancelled = true;
      live?.unsubscribe();
      unlisten.forEach((off) => off());
    };
  }, [client, ws, courseId, userId, add, drop]);

  const loadEarlier = useCallback(async () => {
    if (!oldestId.current) return;
    setLoadingEarlier(true);
    try {
      const result = await client.query({
        query: MessagesDocument,
        variables: { courseId, last: PAGE_SIZE, before: oldestId.current },
        fetchPolicy: "no-cache",
      });
      if (result.error) throw result.error;
      const page = result.data?.messages ?? [];
      add(page);
      setHasEarlier(page.length === PAGE_SIZE);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingEarlier(false);
    }
  }, [client, courseId, add]);

  const send = useCallback(
    async (raw: string) => {
      const content = raw.trim();
      if (!content) return false;
      if ([...content].length > MAX_LENGTH) {
        setError(`Your message is too long: at most ${MAX_LENGTH} characters.`);
        return false;
      }
      // One id per message typed: a retry after a network failure can never post it twice.
      const clientMessageId = crypto.randomUUID();
      const attempt = async () => {
        const result = await client.mutate({ mutation: SendMessageDocument, variables: { courseId, content, clientMessageId } });
        if (result.error) throw result.error;
        return result;
      };
      try {
        let result;
        for (let tries = 1; ; tries++) {
          try {
            result = await attempt();
            break;
          } catch (caught) {
            // Only a lost request is retried; an answer from the server (a code) is final.
            if (errorCode(caught) !== undefined || tries >= 3) throw caught;
            await new Promise((resolve) => setTimeout(resolve, 500 * tries));
          }
        }
        if (result.data) add([result.data.sendMessage]);
        setError(null);
        return true;
      } catch (caught) {
        if (isAnnouncementOnlyRefusal(caught)) {
          setAnnouncementOnlyRefused(true);
          setError((caught as Error).message);
          return false;
        }
        if (errorCode(caught) === "FORBIDDEN") setStatus("forbidden");
        setError(describeError(caught));
        return false;
      }
    },
    [client, courseId, add],
  );

  const remove = useCallback(
    async (messageId: string) => {
      try {
        const result = await client.mutate({ mutation: DeleteMessageDocument, variables: { messageId } });
        if (result.error) throw result.error;
        drop(messageId);
        setError(null);
        return true;
      } catch (caught) {
        setError(
          errorCode(caught) === "FORBIDDEN"
            ? "You can no longer delete this message: authors may delete their own for 15 minutes."
            : describeError(caught),
        );
        return false;
      }
    },
    [client, drop],
  );

  const clearError = useCallback(() => setError(null), []);
  return {
    status,
    messages,
    hasEarlier,
    loadingEarlier,
    error,
    announcement,
    loadEarlier,
    send,
    remove,
    announcementOnlyRefused,
    clearError,
  };
}
