import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useApi } from "../api-context";
import { errorAnswer } from "../errors";
import { SendMessageDocument } from "./operations";
import { Outbox, outboxKey, type OutboxEntry } from "./outbox";
import { classifySendError } from "./send-failure";
import type { ChatMessage } from "./useChatRoom";

export interface RoomOutbox {
  entries: readonly OutboxEntry[];
  /** Entries to show: those the stream has not already delivered while their answer is on its way. */
  visible: readonly OutboxEntry[];
  /** Notes about messages that left the outbox unsent (their original was deleted). */
  notes: string[];
  add(content: string, replyToId?: string | null): void;
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  dismissNote(index: number): void;
  /** One of my messages arrived on the stream: the oldest entry with its content is delivered. */
  deliveredLive(content: string): void;
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The room's outbox, kept in this browser per user and room; `sent` hears each confirmed message. */
export function useOutbox(courseId: string, userId: string, sent: (message: ChatMessage) => void): RoomOutbox {
  const { client, ws } = useApi();
  const [entries, setEntries] = useState<readonly OutboxEntry[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  // The stream may bring my message before the send's answer does: hide its entry meanwhile
  // rather than show it twice. (Messages carry no clientMessageId to match by: content does.)
  const [delivered, setDelivered] = useState<ReadonlySet<string>>(new Set());
  const outbox = useRef<Outbox<ChatMessage> | null>(null);
  const deliveredIds = useRef(new Set<string>());
  const onSent = useRef(sent);
  useEffect(() => {
    onSent.current = sent;
  }, [sent]);

  useEffect(() => {
    const box = new Outbox<ChatMessage>({
      storage: browserStorage(),
      key: outboxKey(userId, courseId),
      send: async (entry) => {
        const result = await client.mutate({
          mutation: SendMessageDocument,
          variables: { courseId, content: entry.content, clientMessageId: entry.clientMessageId, replyToId: entry.replyToId ?? null },
        });
        if (result.error) throw result.error;
        if (!result.data) throw new Error("no result");
        return result.data.sendMessage;
      },
      classify: (error) => classifySendError(errorAnswer(error)),
      sent: (message) => onSent.current(message),
      dropped: (_entry, note) => setNotes((current) => [...current, note]),
      changed: setEntries,
    });
    outbox.current = box;
    setEntries(box.entries);
    box.start();
    // Back online or reconnected: what waited for the network goes now.
    const resume = () => box.resume();
    window.addEventListener("online", resume);
    const off = ws?.on("connected", resume);
    return () => {
      box.stop();
      window.removeEventListener("online", resume);
      off?.();
      if (outbox.current === box) outbox.current = null;
    };
  }, [client, ws, courseId, userId]);

  const add = useCallback((content: string, replyToId?: string | null) => void outbox.current?.add(content, Date.now(), replyToId ?? null), []);
  const retry = useCallback((id: string) => outbox.current?.retry(id), []);
  const discard = useCallback((id: string) => outbox.current?.discard(id), []);
  const dismissNote = useCallback((index: number) => setNotes((current) => current.filter((_, i) => i !== index)), []);
  const deliveredLive = useCallback((content: string) => {
    // Only the message being sent now (the queue's head) can be the one that just arrived.
    const entry = outbox.current?.entries.find((e) => e.state === "pending");
    if (!entry || entry.content !== content || deliveredIds.current.has(entry.clientMessageId)) return;
    deliveredIds.current.add(entry.clientMessageId);
    setDelivered(new Set(deliveredIds.current));
  }, []);
  const visible = useMemo(() => entries.filter((e) => !delivered.has(e.clientMessageId)), [entries, delivered]);
  return useMemo(
    () => ({ entries, visible, notes, add, retry, discard, dismissNote, deliveredLive }),
    [entries, visible, notes, add, retry, discard, dismissNote, deliveredLive],
  );
}
