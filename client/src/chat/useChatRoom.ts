import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../api-context";
import { describeError, errorAnswer, errorCode, errorReason, NETWORK_ERROR } from "../errors";
import type { MessagesQuery, RoomEventsSubscription } from "../gql/graphql";
import { ResumeCursor } from "./cursor";
import { AddReactionDocument, DeleteMessageDocument, EditMessageDocument, MessagesDocument, RemoveReactionDocument, RoomEventsDocument } from "./operations";
import { EARLIER_PAGE, loadUntil, type FetchPage } from "./room-history";
import { recallPlace } from "./scroll-memory";
import { Timeline, type TimelineEvent, type TimelineItem } from "./timeline";
import { useOutbox, type RoomOutbox } from "./useOutbox";

export type ChatMessage = MessagesQuery["messages"][number];
export type ChatItem = TimelineItem<ChatMessage>;
export type ChatEvent = RoomEventsSubscription["roomEvents"];
export type RoomSettingsNow = NonNullable<ChatEvent["settings"]>;
/** A change the room showed: an event of its stream, or the answer to the user's own send, edit or reaction. */
export type ShownChange = TimelineEvent<ChatMessage>;

export const MAX_LENGTH = 4000;

export type RoomStatus = "loading" | "ready" | "forbidden" | "failed";

/** Authors may delete their own messages for this long (moderators always). */
export const AUTHOR_DELETE_WINDOW_MS = 15 * 60 * 1000;
/** Authors may edit their own messages for this long (the server's default EDIT_WINDOW; it has the last word). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

export interface ChatRoom {
  status: RoomStatus;
  /** Set with status "forbidden": why (REMOVED), when the server said. */
  forbiddenReason: string | undefined;
  items: readonly ChatItem[];
  hasEarlier: boolean;
  loadingEarlier: boolean;
  error: string | null;
  /** The latest message from someone else that arrived live, for screen readers. */
  announcement: ChatMessage | null;
  outbox: RoomOutbox;
  loadEarlier(): Promise<void>;
  /** Queues a message; false (with `error` set) when it cannot be sent at all (too long). */
  send(content: string): boolean;
  /** Queues a reply to a message (it joins that message's thread). */
  reply(content: string, replyToId: string): boolean;
  /** Deletes a message for everyone; resolves true when the server accepted. */
  remove(messageId: string): Promise<boolean>;
  /** Edits my message; resolves null when saved, else why not (for the editor to show). */
  edit(messageId: string, content: string): Promise<string | null>;
  /** Adds or takes back my reaction with this emoji. */
  react(messageId: string, emoji: string, on: boolean): Promise<void>;
  /** Every change the room shows, in order (the thread panel follows its thread with it). */
  onEvent(listener: (change: ShownChange) => void): () => void;
  /** The room's settings as the stream last said; null until a change arrives. */
  settings: RoomSettingsNow | null;
  /** Set when a send was refused because the room is announcement-only. */
  announcementOnlyRefused: boolean;
  clearError(): void;
  /** The connection is back: a "cannot reach the server" error no longer holds. */
  clearNetworkError(): void;
}

export function useChatRoom(courseId: string, userId: string): ChatRoom {
  const { client, ws } = useApi();
  const [status, setStatus] = useState<RoomStatus>("loading");
  const [forbiddenReason, setForbiddenReason] = useState<string | undefined>();
  const [items, setItems] = useState<readonly ChatItem[]>([]);
  const [hasEarlier, setHasEarlier] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<ChatMessage | null>(null);
  const [settings, setSettings] = useState<RoomSettingsNow | null>(null);
  const listeners = useRef(new Set<(change: ShownChange) => void>());
  const tell = useCallback((change: ShownChange) => listeners.current.forEach((listener) => listener(change)), []);
  // What is displayed and where the stream resumes are kept apart: see cursor.ts.
  const timeline = useRef(new Timeline<ChatMessage>());
  /** Set below, once the outbox exists: my message arrived live. */
  const delivered = useRef<(content: string) => void>(() => undefined);
  const cursor = useRef(new ResumeCursor());
  const show = useCallback(() => setItems(timeline.current.snapshot), []);

  const fetchPage = useCallback<FetchPage<ChatMessage>>(
    async ({ last, before }) => {
      const result = await client.query({ query: MessagesDocument, variables: { courseId, last, before }, fetchPolicy: "no-cache" });
      if (result.error) throw result.error;
      return result.data?.messages ?? [];
    },
    [client, courseId],
  );

  const lose = useCallback((caught: unknown) => {
    setForbiddenReason(errorReason(caught));
    setStatus("forbidden");
  }, []);

  // History first, then the live stream resuming from it: no gap between the two.
  useEffect(() => {
    let cancelled = false;
    let live: { unsubscribe(): void } | null = null;
    /** null: not loaded yet (or loading failed); a promise while loading. */
    let loading: Promise<void> | null = null;
    let loaded = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let retryDelay = 2000;

    const follow = () => {
      live?.unsubscribe();
      live = client.subscribe({ query: RoomEventsDocument, variables: { courseId, after: cursor.current.value } }).subscribe({
        next: (result) => {
          const event = result.data?.roomEvents;
          if (!event) {
            if (result.error) failed(result.error);
            return;
          }
          cursor.current.fromEvent(event);
          retryDelay = 2000;
          const effect = timeline.current.applyEvent(event);
          const message = event.message;
          if (effect === "added" && message) {
            if (message.user.id !== userId) setAnnouncement(message);
            else delivered.current(message.content);
          } else if (effect === "deleted") {
            setAnnouncement((current) => (current?.id === event.messageId ? null : current));
          }
          if (event.kind === "SettingsChanged" && event.settings) setSettings(event.settings);
          tell(event);
          if (effect) show();
        },
        error: (caught: unknown) => failed(caught),
      });
    };

    const failed = (caught: unknown) => {
      if (cancelled) return;
      live = null;
      if (errorCode(caught) === "FORBIDDEN") lose(caught);
      else if (errorReason(caught) === "CANNOT_RESUME") {
        // The cursor names no point of this room any more: history afresh, then the stream.
        loaded = false;
        void load();
      } else {
        // Refused for now (the database restarting, say) on a socket that stays up: no
        // reconnect will come to restart the stream, so try again after a while.
        setError(describeError(caught));
        clearTimeout(retry);
        retry = setTimeout(() => !cancelled && !live && loaded && follow(), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30_000);
      }
    };

    const load = () =>
      (loading ??= (async () => {
        live?.unsubscribe();
        live = null;
        try {
          const { messages, hasEarlier: more } = await loadUntil(fetchPage, recallPlace(courseId)?.anchorId ?? null);
          if (cancelled) return;
          timeline.current.clear();
          timeline.current.add(messages);
          cursor.current.fromHistory(messages.at(-1)?.id ?? null);
          loaded = true;
          setHasEarlier(more);
          show();
          setStatus("ready");
          setError((current) => (current === NETWORK_ERROR ? null : current));
          follow();
        } catch (caught) {
          if (cancelled) return;
          if (errorCode(caught) === "FORBIDDEN") lose(caught);
          else {
            setStatus((current) => (current === "ready" ? current : "failed"));
            setError(describeError(caught));
          }
        } finally {
          loading = null;
        }
      })());

    // A dropped socket loses the subscription; on reconnect a fresh one resumes from the
    // cursor, and the server replays only what the stream had not delivered. A room whose
    // history could not load tries again when the connection is back.
    const back = () => {
      if (cancelled) return;
      if (!loaded) void load();
      else if (!live) follow();
    };
    const unlisten = ws
      ? [
          ws.on("closed", () => {
            live?.unsubscribe();
            live = null;
          }),
          ws.on("connected", back),
        ]
      : [];
    const online = () => !loaded && back();
    window.addEventListener("online", online);
    void load();

    return () => {
      cancelled = true;
      clearTimeout(retry);
      live?.unsubscribe();
      unlisten.forEach((off) => off());
      window.removeEventListener("online", online);
    };
  }, [client, ws, courseId, userId, fetchPage, show, lose, tell]);

  const sent = useCallback(
    (message: ChatMessage) => {
      // Shown at once; the cursor is left alone (see cursor.ts).
      if (timeline.current.add([message]).length) tell({ kind: "MessageAdded", messageId: message.id, message });
      show();
    },
    [show, tell],
  );
  const outbox = useOutbox(courseId, userId, sent);
  useEffect(() => {
    delivered.current = outbox.deliveredLive;
  }, [outbox.deliveredLive]);
  // The server refuses students' messages in announcement-only rooms with FORBIDDEN and says so.
  const announcementOnlyRefused = outbox.entries.some((e) => e.state === "failed" && /announcement/i.test(e.reason ?? ""));

  const loadEarlier = useCallback(async () => {
    const before = timeline.current.oldestId;
    if (!before) return;
    setLoadingEarlier(true);
    try {
      const page = await fetchPage({ last: EARLIER_PAGE, before });
      timeline.current.add(page);
      show();
      setHasEarlier(page.length === EARLIER_PAGE);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingEarlier(false);
    }
  }, [fetchPage, show]);

  const send = useCallback(
    (raw: string) => {
      const content = raw.trim();
      if (!content) return false;
      if ([...content].length > MAX_LENGTH) {
        setError(`Your message is too long: at most ${MAX_LENGTH} characters.`);
        return false;
      }
      setError(null);
      outbox.add(content);
      return true;
    },
    [outbox],
  );

  const reply = useCallback(
    (raw: string, replyToId: string) => {
      const content = raw.trim();
      if (!content || [...content].length > MAX_LENGTH) return false;
      outbox.add(content, replyToId);
      return true;
    },
    [outbox],
  );

  const edit = useCallback(
    async (messageId: string, raw: string) => {
      const content = raw.trim();
      if (!content) return "A message cannot be empty: delete it instead.";
      if ([...content].length > MAX_LENGTH) return `Your message is too long: at most ${MAX_LENGTH} characters.`;
      const revision = timeline.current.revision(messageId);
      try {
        const result = await client.mutate({ mutation: EditMessageDocument, variables: { messageId, content } });
        if (result.error) throw result.error;
        const message = result.data?.editMessage;
        if (message && timeline.current.applyResult(message, revision)) {
          tell({ kind: "MessageEdited", messageId, message });
          show();
        }
        return null;
      } catch (caught) {
        return errorReason(caught) === "EDIT_WINDOW_PASSED"
          ? `This message can no longer be edited. ${errorAnswer(caught)?.message ?? ""}`.trim()
          : describeError(caught);
      }
    },
    [client, show, tell],
  );

  const react = useCallback(
    async (messageId: string, emoji: string, on: boolean) => {
      const revision = timeline.current.revision(messageId);
      try {
        const result = on
          ? await client.mutate({ mutation: AddReactionDocument, variables: { messageId, emoji } }).then((r) => ({ error: r.error, message: r.data?.addReaction }))
          : await client.mutate({ mutation: RemoveReactionDocument, variables: { messageId, emoji } }).then((r) => ({ error: r.error, message: r.data?.removeReaction }));
        if (result.error) throw result.error;
        const message = result.message;
        if (message && timeline.current.applyResult(message, revision)) {
          tell({ kind: "ReactionsChanged", messageId, message });
          show();
        }
      } catch (caught) {
        setError(describeError(caught));
      }
    },
    [client, show, tell],
  );

  const onEvent = useCallback((listener: (change: ShownChange) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);

  const remove = useCallback(
    async (messageId: string) => {
      try {
        const result = await client.mutate({ mutation: DeleteMessageDocument, variables: { messageId } });
        if (result.error) throw result.error;
        timeline.current.markDeleted(messageId);
        show();
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
    [client, show],
  );

  const clearError = useCallback(() => setError(null), []);
  const clearNetworkError = useCallback(() => setError((current) => (current === NETWORK_ERROR ? null : current)), []);
  return {
    status,
    forbiddenReason,
    items,
    hasEarlier,
    loadingEarlier,
    error,
    announcement,
    outbox,
    loadEarlier,
    send,
    reply,
    remove,
    edit,
    react,
    onEvent,
    settings,
    announcementOnlyRefused,
    clearError,
    clearNetworkError,
  };
}
