import type { EntityManager } from "@mikro-orm/core";
import type { CurrentUser } from "../auth/current-user.js";
import { Role, User } from "../auth/user.entity.js";
import { Course } from "./course.entity.js";
import type { CourseService } from "./course.service.js";

const byName = (a: User, b: User) => a.usernameKey.localeCompare(b.usernameKey);

/**
 * Everyone who may enter a course's room: its instructor, then staff, then the enrolled
 * students, each by name. Members only: anyone else (or a missing course) gets the room
 * guard's FORBIDDEN.
 */
export async function roomMembers(em: EntityManager, courses: CourseService, user: CurrentUser, courseId: unknown): Promise<User[]> {
  const access = await courses.requireMember(em, user, courseId);
  const course = await em.findOneOrFail(Course, { id: access.courseId }, { populate: ["owner", "students"] });
  const staff = await em.find(User, { role: Role.Staff });
  const seen = new Set<number>([course.owner.id]);
  const once = (list: User[]) => list.filter((u) => !seen.has(u.id) && seen.add(u.id)).sort(byName);
  return [course.owner, ...once(staff), ...once(course.students.getItems())];
}
