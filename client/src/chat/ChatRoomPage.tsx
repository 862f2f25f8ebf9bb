import { useQuery } from "@apollo/client/react";
import { useCallback, useEffect, useState } from "react";
import { useUser } from "../auth/session";
import { CourseDocument } from "../courses/operations";
import { Link } from "../router";
import { useQuestionRoomValue } from "../questions/useQuestionRoomValue";
import { QuestionComposerOptions } from "../questions/QuestionComposerOptions";
import { QuestionRoomProvider } from "../questions/QuestionRoom";
import { ConnectionBadge, useConnection } from "./ConnectionBadge";
import { RoomMembersDocument } from "./directory-operations";
import type { MessageActions } from "./message-actions";
import { MembersPanel } from "./MembersPanel";
import { MessageComposer } from "./MessageComposer";
import { MessageList } from "./MessageList";
import { NotEnrolled } from "./NotEnrolled";
import { OutboxList } from "./OutboxList";
import { RoomAlerts } from "./RoomAlerts";
import { SearchPanel } from "./SearchPanel";
import { SidePanel } from "./SidePanel";
import { ThreadPanel } from "./ThreadPanel";
import { useNow } from "./useNow";
import { useRoomReadState } from "../readstate/useRoomReadState";
import { typingLine } from "../presence/typing";
import { useRoomPresence } from "../presence/useRoomPresence";
import { useTypists, useTypingNotifier } from "../presence/useTyping";
import { AUTHOR_DELETE_WINDOW_MS, EDIT_WINDOW_MS, useChatRoom, type ChatMessage } from "./useChatRoom";

export function ChatRoomPage({ courseId }: { courseId: string }) {
  // Enrolling from the "not enrolled" page remounts the room to load it afresh.
  const [attempt, setAttempt] = useState(0);
  return <ChatRoom key={attempt} courseId={courseId} onEnrolled={() => setAttempt((n) => n + 1)} />;
}

type Panel = "members" | "search" | "thread" | null;

const PANEL_TITLES = { members: "Members", search: "Search", thread: "Thread" } as const;

/** Focus goes back to the composer of where the edit was (the room, or the thread panel). */
const focusComposer = (within: string) => document.querySelector<HTMLTextAreaElement>(`${within} .composer textarea`)?.focus();

function ChatRoom({ courseId, onEnrolled }: { courseId: string; onEnrolled: () => void }) {
  const user = useUser();
  const room = useChatRoom(courseId, user.id);
  const readState = useRoomReadState(courseId);
  const presence = useRoomPresence(courseId);
  const typists = useTypists(courseId);
  const typingNotifier = useTypingNotifier(courseId);
  const connection = useConnection();
  // Settings may have changed since the course page cached them.
  const { data } = useQuery(CourseDocument, { variables: { id: courseId }, fetchPolicy: "cache-and-network" });
  const now = useNow(30_000);
  const [panel, setPanel] = useState<Panel>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const clearFocusId = useCallback(() => setFocusId(null), []);
  const [thread, setThread] = useState<{ rootId: string; replyToId: string } | null>(null);
  // Where: a reply shows both in the room and in its thread, and is edited in one of them.
  const [editing, setEditing] = useState<{ id: string; inThread: boolean } | null>(null);
  // Shared with the members panel's query (Apollo's cache): @-suggestions need no extra request.
  const membersQuery = useQuery(RoomMembersDocument, { variables: { courseId } });
  const members = membersQuery.data?.roomMembers;
  const { clearNetworkError, edit, react } = room;
  useEffect(() => {
    if (connection.state === "live") clearNetworkError();
  }, [connection.state, clearNetworkError]);

  const course = data?.course;
  const title = course?.title ?? "this course";
  const moderator = user.role === "Staff" || course?.owner.id === user.id;
  // The stream's word on settings is newer than the course query's, once it has spoken.
  const announcementOnly = Boolean(room.settings?.announcementOnly ?? course?.announcementOnly) || room.announcementOnlyRefused;
  const slowMode = room.settings?.slowModeSeconds ?? course?.slowModeSeconds ?? 0;
  const questions = useQuestionRoomValue(courseId, user, moderator, room.items);

  if (room.status === "forbidden") {
    return <NotEnrolled courseId={courseId} title={title} reason={room.forbiddenReason} removed={Boolean(course?.isRemoved)} onEnrolled={onEnrolled} />;
  }

  const canDelete = (message: ChatMessage) =>
    moderator || (message.user.id === user.id && now - Date.parse(message.sentOn) < AUTHOR_DELETE_WINDOW_MS);
  const confirmDelete = async (message: ChatMessage) => {
    const preview = message.content.length > 80 ? `${message.content.slice(0, 80)}…` : message.content;
    if (!window.confirm(`Delete this message for everyone?\n\n“${preview}”`)) return;
    // Focus stays where the message was: on its placeholder, as soon as it is shown.
    setFocusId(message.id);
    if (!(await room.remove(message.id))) setFocusId(null);
  };
  const toggle = (which: Exclude<Panel, null>) => setPanel((current) => (current === which ? null : which));
  const canEdit = (message: ChatMessage) => message.user.id === user.id && now - Date.parse(message.sentOn) < EDIT_WINDOW_MS;
  const editLast = () => {
    const last = room.items.findLast((item) => item.kind === "message" && canEdit(item.message));
    if (!last) return false;
    setEditing({ id: last.id, inThread: false });
    return true;
  };
  const actions: MessageActions = {
    editingId: editing && !editing.inThread ? editing.id : null,
    canEdit,
    startEdit: (id) => setEditing({ id, inThread: false }),
    saveEdit: edit,
    endEdit: () => {
      setEditing(null);
      focusComposer(".chat-main");
    },
    react: (messageId, emoji, on) => void react(messageId, emoji, on),
    openThread: (rootId, replyToId) => {
      setThread({ rootId, replyToId });
      setPanel("thread");
    },
  };
  const threadActions: MessageActions = {
    ...actions,
    editingId: editing?.inThread ? editing.id : null,
    startEdit: (id) => setEditing({ id, inThread: true }),
    endEdit: () => {
      setEditing(null);
      focusComposer(".side-panel");
    },
  };
  // No typing notice while a question is being written: it could be made anonymous or
  // private before it is sent, and a notice would have named its author to the room.
  const typed = () => !questions.ask.asking && typingNotifier.typed();
  const sendMessage = (content: string) => {
    const queued = room.send(content);
    if (queued) typingNotifier.sent();
    return queued;
  };
  const postingRefused = announcementOnly && !moderator ? "Only the instructor and staff can post in this room." : null;

  return (
    <main className="chat">
      <header className="chat-header">
        <div className="chat-title">
          <h1>{course?.title ?? "Course chat room"}</h1>
          <Link to={`/courses/${courseId}`} className="muted about-link">
            About this course
          </Link>
        </div>
        <div className="chat-tools">
          {questions.queueLink}
          <button type="button" className="secondary small" aria-expanded={panel === "members"} aria-controls="room-panel" onClick={() => toggle("members")}>
            Members
          </button>
          <button type="button" className="secondary small" aria-expanded={panel === "search"} aria-controls="room-panel" onClick={() => toggle("search")}>
            Search
          </button>
          <ConnectionBadge />
        </div>
      </header>
      <RoomAlerts room={room} connection={connection} />
      <div className={panel ? "chat-body panel-open" : "chat-body"}>
        <div className="chat-main">
          {room.status === "loading" && <p>Loading messages…</p>}
          {room.status === "ready" && (
            <QuestionRoomProvider value={questions.value}>
              <MessageList
                courseId={courseId}
                items={room.items}
                userId={user.id}
                ownerId={course?.owner.id}
                hasEarlier={room.hasEarlier}
                loadingEarlier={room.loadingEarlier}
                onLoadEarlier={() => void room.loadEarlier()}
                canDelete={canDelete}
                onDelete={(message) => void confirmDelete(message)}
                focusId={focusId}
                onFocused={clearFocusId}
                actions={actions}
                outboxSize={room.outbox.visible.length}
                dividerId={readState.dividerId}
                onSeen={readState.known ? readState.seen : undefined}
                unreadCount={readState.unreadCount}
                openedAfterId={readState.openedAfterId}
                outbox={<OutboxList entries={room.outbox.visible} onRetry={room.outbox.retry} onDiscard={room.outbox.discard} />}
              />
              {announcementOnly && (
                <p className="notice room-notice">
                  {moderator
                    ? "Announcement-only mode: students can read but not post."
                    : "This room is in announcement-only mode: only the instructor and staff can post."}
                </p>
              )}
              {slowMode > 0 && (
                <p className="notice room-notice">
                  Slow mode: one message every {slowMode} s{moderator ? " (the instructor and staff are exempt)" : ""}
                </p>
              )}
              <p className="typing-line" data-testid="typing-line">
                {typingLine(typists)}
              </p>
              <MessageComposer
                onSend={questions.ask.asking ? questions.ask.send : sendMessage}
                onType={typed}
                placeholder={questions.ask.asking ? "Ask a question…" : undefined}
                addon={(draft) => <QuestionComposerOptions courseId={courseId} ask={questions.ask} draft={draft} {...questions.options} disabled={Boolean(postingRefused)} />}
                disabledReason={postingRefused}
                onEditLast={editLast}
                members={members}
                userId={user.id}
              />
            </QuestionRoomProvider>
          )}
        </div>
        {panel && (
          <SidePanel id="room-panel" title={PANEL_TITLES[panel]} onClose={() => setPanel(null)}>
            {panel === "thread" && thread ? (
              <QuestionRoomProvider value={questions.value}>
                <ThreadPanel
                  key={thread.rootId}
                  rootId={thread.rootId}
                  replyToId={thread.replyToId}
                  room={room}
                  userId={user.id}
                  ownerId={course?.owner.id}
                  actions={threadActions}
                  members={members ?? []}
                  disabledReason={postingRefused}
                />
              </QuestionRoomProvider>
            ) : panel === "members" ? (
              <>
                <MembersPanel courseId={courseId} ownerId={course?.owner.id} userId={user.id} presence={presence} />
                <p>
                  <Link to={`/courses/${courseId}`}>About this course</Link>
                </p>
              </>
            ) : (
              <SearchPanel courseId={courseId} />
            )}
          </SidePanel>
        )}
      </div>
      {/* Screen readers hear live messages from others without moving focus. */}
      <div aria-live="polite" className="visually-hidden">
        {room.announcement && `${room.announcement.user.username} says: ${room.announcement.content}`}
      </div>
    </main>
  );
}
