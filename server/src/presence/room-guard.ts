import type { MikroORM } from "@mikro-orm/core";
import type { AuthService } from "../auth/auth.service.js";
import type { CurrentUser } from "../auth/current-user.js";
import type { CourseService } from "../courses/course.service.js";
import { ForbiddenError } from "../errors.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { EventKind, ROOM_TOPIC, type TimelineEvent } from "../timeline/events.js";

export interface RoomGuardOptions {
  orm: MikroORM;
  auth: AuthService;
  courses: CourseService;
  bus: RoomBus;
}

/**
 * Keeps an ephemeral room stream (presence, typing) to the room's members, as the room stream
 * does: it ends with FORBIDDEN at the room event that removes its subscriber, and when a change
 * to them (a role) means they may no longer enter. `onEvent` sees the room's other events.
 */
export async function guardRoom(
  options: RoomGuardOptions,
  user: CurrentUser,
  courseId: number,
  fail: (err: Error) => void,
  onEvent: (event: TimelineEvent) => void = () => {},
): Promise<() => void> {
  const stopRoom = await options.bus.subscribe<TimelineEvent>(ROOM_TOPIC, courseId, (event) => {
    if (event.kind === EventKind.MemberRemoved && event.userId === user.id) fail(new ForbiddenError());
    else onEvent(event);
  });
  const mayEnter = async () => {
    const em = options.orm.em.fork();
    const now = await options.auth.currentUser(em, user.id);
    return now !== null && (await options.courses.roomAccess(em, now, courseId)) !== null;
  };
  const stopWatch = options.auth.watch(user.id, () => {
    mayEnter().then(
      (ok) => ok || fail(new ForbiddenError()),
      (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
    );
  });
  // Checked once subscribed: a removal committed before this is seen here, a later one arrives as its event.
  const ok = await mayEnter().catch((err: unknown) => {
    stopRoom();
    stopWatch();
    throw err;
  });
  if (!ok) {
    stopRoom();
    stopWatch();
    throw new ForbiddenError();
  }
  return () => {
    stopRoom();
    stopWatch();
  };
}
