import { useEffect, useMemo, useState } from "react";
import { useApi } from "../api-context";
import { describeError } from "../errors";
import type { MessageActions } from "./message-actions";
import { layout } from "./message-groups";
import type { MentionCandidate } from "./mention-query";
import { MessageComposer } from "./MessageComposer";
import { MessageItem } from "./MessageItem";
import { ThreadDocument } from "./operations";
import { Timeline } from "./timeline";
import type { ChatItem, ChatMessage, ChatRoom } from "./useChatRoom";

/** Replies a thread panel loads at first (the newest of them). */
const THREAD_PAGE = 100;

interface Props {
  rootId: string;
  /** The message the composer replies to: the root, or a reply in the thread. */
  replyToId: string;
  room: ChatRoom;
  userId: string;
  ownerId: string | undefined;
  actions: MessageActions;
  members: readonly MentionCandidate[];
  disabledReason: string | null;
}

/**
 * A thread beside the room: its first message, its replies (the `thread` query, then the
 * room's stream live), and a composer that replies in it.
 */
export function ThreadPanel({ rootId, replyToId, room, userId, ownerId, actions, members, disabledReason }: Props) {
  const { client } = useApi();
  const [replies, setReplies] = useState<readonly ChatItem[]>([]);
  const [status, setStatus] = useState<"loading" | "ready" | "failed">("loading");
  const [error, setError] = useState<string | null>(null);
  const { onEvent } = room;

  useEffect(() => {
    const thread = new Timeline<ChatMessage>();
    let cancelled = false;
    const show = () => setReplies(thread.snapshot);
    // Following the stream before the query answers: a reply posted meanwhile is not missed,
    // and the query's older copy of one never replaces its live version (see Timeline.add).
    const off = onEvent((change) => {
      const ours = change.kind === "MessageDeleted" || change.message?.threadRootId === rootId;
      if (ours && thread.applyEvent(change)) show();
    });
    client
      .query({ query: ThreadDocument, variables: { messageId: rootId, last: THREAD_PAGE }, fetchPolicy: "no-cache" })
      .then((result) => {
        if (result.error) throw result.error;
        if (cancelled) return;
        thread.add(result.data?.thread ?? []);
        show();
        setStatus("ready");
      })
      .catch((caught: unknown) => {
        if (cancelled) return;
        setError(describeError(caught));
        setStatus("failed");
      });
    return () => {
      cancelled = true;
      off();
    };
  }, [client, onEvent, rootId]);

  const root = room.items.find((item) => item.id === rootId);
  const replyingTo = replyToId === rootId ? null : replies.find((item) => item.id === replyToId);
  const layouts = useMemo(() => layout(replies, new Date()), [replies]);
  const threadActions = useMemo(() => ({ ...actions, threadRootId: rootId }), [actions, rootId]);
  const plain = { day: null, continued: false };

  return (
    <div className="thread">
      {root ? (
        <ol className="message-list thread-root" aria-label="First message">
          <MessageItem item={root} layout={plain} userId={userId} ownerId={ownerId} actions={threadActions} />
        </ol>
      ) : (
        <p className="muted">The thread&rsquo;s first message is further up the room.</p>
      )}
      <p className="muted thread-count">{status === "loading" ? "Loading replies…" : replies.length === 1 ? "1 reply" : `${replies.length} replies`}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {replies.length > 0 && (
        <ol className="message-list" data-testid="thread-list" aria-label="Replies">
          {replies.map((item, i) => (
            <MessageItem key={item.id} item={item} layout={layouts[i] ?? plain} userId={userId} ownerId={ownerId} actions={threadActions} />
          ))}
        </ol>
      )}
      {replyingTo?.kind === "message" && (
        <p className="muted">
          Replying to {replyingTo.message.user.id === userId ? "my message" : replyingTo.message.user.username}
        </p>
      )}
      <MessageComposer
        onSend={(content) => room.reply(content, replyToId)}
        disabledReason={disabledReason}
        members={members}
        userId={userId}
        label="Reply"
        placeholder="Reply in thread…"
        autoFocus={false}
      />
    </div>
  );
}
