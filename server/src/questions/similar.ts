import type { EntityManager } from "@mikro-orm/core";
import type { RawReader } from "../db/raw-reader.js";

/** Words too common to tell one question from another. */
const STOPWORDS = new Set(
  "the a an and or but is are was were be been to of in on at for with by from how what why when where which who whom does do did can could should would will i you it this that these those my your our their there here not no yes any some about into than then so if as".split(" "),
);

export interface SimilarQuery {
  courseId: number;
  text: string;
  limit: number;
  /** Others' private questions are left out for this viewer; null: a moderator, who sees them. */
  viewerId: number | null;
}

/**
 * Earlier questions of a course that read like `text`, best first. PostgreSQL ranks them by
 * trigram similarity (pg_trgm, served by the content's trigram index); SQLite by how many of the
 * text's significant words they contain.
 */
export async function similarQuestionIds(em: EntityManager, reader: RawReader, query: SimilarQuery): Promise<number[]> {
  const visible = query.viewerId === null ? "" : "and (private_to is null or private_to = ?)";
  const visibleParams = query.viewerId === null ? [] : [query.viewerId];
  if (!reader.sqlite) {
    const rows = await reader.read<{ id: number | string }>(
      em,
      `select id from messages where course_id = ? and kind = 'question' and deleted_at is null ${visible}
         and similarity(content, ?) > 0.12 order by similarity(content, ?) desc, id desc limit ?`,
      [query.courseId, ...visibleParams, query.text, query.text, query.limit],
    );
    return rows.map((r) => Number(r.id));
  }
  const words = [...new Set(query.text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].filter((w) => !STOPWORDS.has(w)).slice(0, 12);
  if (words.length === 0) return [];
  const score = words.map(() => "(instr(lower(content), ?) > 0)").join(" + ");
  const rows = await reader.read<{ id: number | string }>(
    em,
    `select id from (select id, ${score} as score from messages where course_id = ? and kind = 'question' and deleted_at is null ${visible})
       where score >= ? order by score desc, id desc limit ?`,
    [...words, query.courseId, ...visibleParams, Math.min(2, words.length), query.limit],
  );
  return rows.map((r) => Number(r.id));
}
