import type { Connection } from "../connection";
import { CloseButton } from "../ui/CloseButton";
import type { ChatRoom } from "./useChatRoom";

/** The room's one alert line: what went wrong, notes about unsent messages, a lost connection. */
export function RoomAlerts({ room, connection }: { room: ChatRoom; connection: Connection }) {
  const lost =
    room.status === "ready" && connection.state === "offline"
      ? "You are offline. Messages you write are sent when you are back online."
      : room.status === "ready" && connection.state === "reconnecting"
        ? `Connection lost. Reconnecting… ${connection.reason ?? ""}`.trim()
        : null;
  return (
    <div role="alert" className="chat-alerts">
      {room.error && (
        <p className="error chat-alert">
          <span>{room.error}</span>
          <CloseButton label="Dismiss error" onClick={room.clearError} />
        </p>
      )}
      {room.outbox.notes.map((note, i) => (
        <p key={i} className="notice chat-alert">
          <span>{note}</span>
          <CloseButton label="Dismiss note" onClick={() => room.outbox.dismissNote(i)} />
        </p>
      ))}
      {lost && <p className="error chat-alert">{lost}</p>}
    </div>
  );
}
