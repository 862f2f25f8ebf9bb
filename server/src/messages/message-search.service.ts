import type { EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { z } from "zod";
import type { CurrentUser } from "../auth/current-user.js";
import type { CourseService } from "../courses/course.service.js";
import { BadUserInputError } from "../errors.js";
import { parseId } from "../ids.js";
import { isStorableText, parseInput } from "../validation.js";
import { Message } from "./message.entity.js";

const querySchema = z
  .string()
  .trim()
  .min(1, "Search for at least one character.")
  .max(200, "A search is at most 200 characters.")
  .refine(isStorableText, "A search must be well-formed Unicode text without NUL characters.");
const firstSchema = z.number().int().min(1, "first must be between 1 and 50.").max(50, "first must be between 1 and 50.");

export interface SearchPage {
  query: unknown;
  first: number;
  before?: string | null | undefined;
}

/**
 * The ids of a room's messages containing the words, ignoring case, newest first; deleted ones never.
 * Membership is checked first, so a non-member learns nothing, not even about their input.
 */
export async function searchMessages(em: EntityManager, courses: CourseService, user: CurrentUser, courseId: unknown, page: SearchPage): Promise<number[]> {
  const room = await courses.requireMember(em, user, courseId);
  const course = room.courseId;
  const words = parseInput(querySchema, page.query, "query");
  const first = parseInput(firstSchema, page.first, "first");
  const before = page.before === null || page.before === undefined ? null : parseId(page.before);
  if (page.before && before === null) throw new BadUserInputError("before must be a message id.", "before");
  const qb = (em as SqlEntityManager).createQueryBuilder(Message, "m").where({ course, deletedAt: null });
  // Others' private questions are not there to be found.
  if (!room.moderator) qb.andWhere({ $or: [{ privateTo: null }, { privateTo: user.id }] });
  if (before !== null) qb.andWhere({ id: { $lt: before } });
  // The same case folding on both sides, on SQLite and PostgreSQL alike; % and _ are literal.
  qb.andWhere("lower(m.content) like lower(?) escape '\\'", [`%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
  return (await qb.select("m.id").orderBy({ id: "desc" }).limit(first).execute<{ id: number }[]>()).map((r) => Number(r.id));
}
