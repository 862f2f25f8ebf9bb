import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/core";

/**
 * One change to a room, in the room's one order: ids become visible in commit order per room
 * (every change is stored under the room's lock), so "every event after this id" never skips
 * one that committed late. The database is the source of truth; pub/sub only carries copies.
 */
@Entity({ tableName: "room_events" })
@Index({ name: "room_events_course_id_id_index", properties: ["courseId", "id"] })
@Index({ name: "room_events_message_id_index", properties: ["messageId"] })
export class RoomEventRow {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Property({ type: "integer" })
  courseId!: number;

  /** See EventKind (timeline/events.ts). */
  @Property({ type: "string", length: 32 })
  kind!: string;

  /** The message concerned, for message events. */
  @Property({ type: "integer", nullable: true })
  messageId: number | null = null;

  /** Who the event is about: the removed member; the author of an addition. */
  @Property({ type: "integer", nullable: true })
  userId: number | null = null;

  /** What the kind needs besides the message (the room's settings after a change), as JSON. */
  @Property({ type: "text", nullable: true })
  data: string | null = null;

  @Property({ type: "datetime" })
  createdAt: Date = new Date();
}
