import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { useUser } from "../auth/session";
import { CourseDocument } from "../courses/operations";
import { Link } from "../router";
import { ConnectionBadge, useConnectionState } from "./ConnectionBadge";
import { MessageComposer } from "./MessageComposer";
import { MessageList } from "./MessageList";
import { NotEnrolled } from "./NotEnrolled";
import { useNow } from "./useNow";
import { AUTHOR_DELETE_WINDOW_MS, useChatRoom, type ChatMessage } from "./useChatRoom";

export function ChatRoomPage({ courseId }: { courseId: string }) {
  // Enrolling from the "not enrolled" page remounts the room to load it afresh.
  const [attempt, setAttempt] = useState(0);
  return <ChatRoom key={attempt} courseId={courseId} onEnrolled={() => setAttempt((n) => n + 1)} />;
}

function ChatRoom({ courseId, onEnrolled }: { courseId: string; onEnrolled: () => void }) {
  const user = useUser();
  const room = useChatRoom(courseId, user.id);
  const connection = useConnectionState();
  // Settings may have changed since the course page cached them.
  const { data } = useQuery(CourseDocument, { variables: { id: courseId }, fetchPolicy: "cache-and-network" });
  const now = useNow(30_000);
  const course = data?.course;
  const title = course?.title ?? "this course";
  const moderator = user.role === "Staff" || course?.owner.id === user.id;
  const announcementOnly = Boolean(course?.announcementOnly) || room.announcementOnlyRefused;
  const slowMode = course?.slowModeSeconds ?? 0;

  if (room.status === "forbidden") return <NotEnrolled courseId={courseId} title={title} onEnrolled={onEnrolled} />;

  const canDelete = (message: ChatMessage) =>
    moderator || (message.user.id === user.id && now - Date.parse(message.sentOn) < AUTHOR_DELETE_WINDOW_MS);
  const confirmDelete = (message: ChatMessage) => {
    const preview = message.content.length > 80 ? `${message.content.slice(0, 80)}…` : message.content;
    if (window.confirm(`Delete this message for everyone?\n\n“${preview}”`)) void room.remove(message.id);
  };

  const alert = room.error ?? (connection === "reconnecting" ? "Connection lost. Reconnecting…" : null);
  return (
    <main className="chat">
      <header className="chat-header">
        <div>
          <h1>{data?.course?.title ?? "Course chat room"}</h1>
          <Link to={`/courses/${courseId}`} className="muted">
            About this course
          </Link>
        </div>
        <ConnectionBadge />
      </header>
      <div role="alert" className="error chat-alert">
        {alert && (
          <>
            <span>{alert}</span>
            {room.error && (
              <button type="button" className="link" onClick={room.clearError} aria-label="Dismiss error">
                ×
              </button>
            )}
          </>
        )}
      </div>
      {room.status === "loading" && <p>Loading messages…</p>}
      {room.status === "ready" && (
        <>
          <MessageList
            messages={room.messages}
            userId={user.id}
            hasEarlier={room.hasEarlier}
            loadingEarlier={room.loadingEarlier}
            onLoadEarlier={() => void room.loadEarlier()}
            canDelete={canDelete}
            onDelete={confirmDelete}
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
          <MessageComposer
            onSend={room.send}
            disabledReason={announcementOnly && !moderator ? "Only the instructor and staff can post in this room." : null}
          />
        </>
      )}
      {/* Screen readers hear live messages from others without moving focus. */}
      <div aria-live="polite" className="visually-hidden">
        {room.announcement && `${room.announcement.user.username} says: ${room.announcement.content}`}
      </div>
    </main>
  );
}
