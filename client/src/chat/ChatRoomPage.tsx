import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { useUser } from "../auth/session";
import { CourseDocument } from "../courses/operations";
import { Link } from "../router";
import { ConnectionBadge, useConnectionState } from "./ConnectionBadge";
import { MessageComposer } from "./MessageComposer";
import { MessageList } from "./MessageList";
import { NotEnrolled } from "./NotEnrolled";
import { useChatRoom } from "./useChatRoom";

export function ChatRoomPage({ courseId }: { courseId: string }) {
  // Enrolling from the "not enrolled" page remounts the room to load it afresh.
  const [attempt, setAttempt] = useState(0);
  return <ChatRoom key={attempt} courseId={courseId} onEnrolled={() => setAttempt((n) => n + 1)} />;
}

function ChatRoom({ courseId, onEnrolled }: { courseId: string; onEnrolled: () => void }) {
  const user = useUser();
  const room = useChatRoom(courseId, user.id);
  const connection = useConnectionState();
  const { data } = useQuery(CourseDocument, { variables: { id: courseId } });
  const title = data?.course?.title ?? "this course";

  if (room.status === "forbidden") return <NotEnrolled courseId={courseId} title={title} onEnrolled={onEnrolled} />;

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
          />
          <MessageComposer onSend={room.send} />
        </>
      )}
      {/* Screen readers hear live messages from others without moving focus. */}
      <div aria-live="polite" className="visually-hidden">
        {room.announcement && `${room.announcement.user.username} says: ${room.announcement.content}`}
      </div>
    </main>
  );
}
