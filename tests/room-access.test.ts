import { describe, expect, it } from "vitest";
import { Role } from "../server/src/auth/user.entity.js";
import { seededApps } from "./support/app.js";

const start = seededApps();

describe.each(["sqlite", "postgresql"] as const)("room checks made at the same moment, on %s", (kind) => {
  it("give each user their own answer for each room", async () => {
    const { app, world } = await start(kind);
    const user = (name: keyof typeof world.userIds, role = Role.Student) => ({ id: Number(world.userIds[name]), username: name, role });
    const room = Number(world.roomId);
    const other = Number(world.otherRoomId);
    const checks = [
      [user("alice"), room],
      [user("outsider"), room],
      [user("alice"), other],
      [user("teacher", Role.Instructor), other],
      [user("bob"), room],
      [user("alice"), 999_999],
      [user("staff", Role.Staff), other],
    ] as const;
    // All started in one turn: on PostgreSQL they share one query.
    const answers = await Promise.all(checks.map(([u, courseId]) => app.services.courses.roomAccess(app.orm.em.fork(), u, courseId)));
    const teacherId = Number(world.userIds.teacher);
    const summary = answers.map((a) => (a === null ? null : { courseId: a.courseId, moderator: a.moderator, ownerId: a.ownerId }));
    expect(summary).toEqual([
      { courseId: room, moderator: false, ownerId: teacherId },
      null,
      null,
      { courseId: other, moderator: true, ownerId: teacherId },
      { courseId: room, moderator: false, ownerId: teacherId },
      null,
      { courseId: other, moderator: true, ownerId: teacherId },
    ]);
  });
});
