import type { DatabaseTarget } from "../config.js";

/**
 * What a member may count of a room, as SQL over `m` (messages) and `c` (courses), with the
 * parameters (staff 0/1, user, user): not a private question's thread of someone else unless
 * they moderate the room. The same rule as anonymity.ts's mayRead.
 */
const VISIBLE = "(? = 1 or c.owner_id = ? or m.private_to is null or m.private_to = ?)";

/** Member of the course: staff, its owner or enrolled (params: staff 0/1, user, user). */
const MEMBER = "(? = 1 or c.owner_id = ? or exists(select 1 from course_students s where s.course_id = c.id and s.user_id = ?))";

/** The rooms asked for, as rows `(course_id, last_read)` from two parallel lists: ids, and the positions gathered here (0: none). */
const ROOMS = {
  postgresql: "select * from unnest(?::int[], ?::int[]) as t(course_id, last_read)",
  sqlite: "select cast(json_extract(j.value, '$[0]') as integer) as course_id, cast(json_extract(j.value, '$[1]') as integer) as last_read from json_each(?) j",
};

/** The ids of the rooms a user teaches or is enrolled in (params: user, user), as rows `(course_id)`. */
export const MEMBER_ROOMS = "select id as course_id from courses where owner_id = ? union select course_id from course_students where user_id = ?";

/**
 * Which rooms a read covers: those asked for by id (ROOMS' parameters), or every room the user
 * is a member of (params: user, user, then ROOMS' parameters for the positions gathered here),
 * so that the read need not wait for the list of them.
 */
export type RoomsSource = "ids" | "member";

function roomsOf(database: DatabaseTarget["kind"], source: RoomsSource): string {
  if (source === "ids") return ROOMS[database];
  return `select mr.course_id, coalesce(p.last_read, 0) as last_read from (${MEMBER_ROOMS}) mr left join (${ROOMS[database]}) p on p.course_id = mr.course_id`;
}

/**
 * Per room: unread messages (not the reader's own, not deleted, readable by them) after the
 * marker, the first of them, and how many of them mention the reader. Exact counts, read from
 * messages_unread_index alone from the marker on; mentions from the reader's own mentions since
 * the oldest marker, in one pass for every room.
 */
export function countsSql(database: DatabaseTarget["kind"], source: RoomsSource = "ids"): string {
  const staffParam = database === "postgresql" ? "?::int" : "?";
  const visible = (alias: string) => VISIBLE.replace("?", staffParam).replaceAll("m.", `${alias}.`);
  const greatest = database === "postgresql" ? "greatest" : "max";
  // The stored marker, or the position this instance is still gathering when it is further.
  return `with r as (select t.course_id, ${greatest}(t.last_read, coalesce((select rm.last_read_message_id from read_markers rm where rm.user_id = ? and rm.course_id = t.course_id), 0)) as last_read
      from (${roomsOf(database, source)}) t),
    mentioned as (
      select x.course_id, count(*) as mentions from message_mentions mm
      join messages x on x.id = mm.message_id
      join r on r.course_id = x.course_id and x.id > r.last_read
      join courses c on c.id = x.course_id
      where mm.user_id = ? and mm.message_id > (select min(last_read) from r) and x.deleted_at is null and x.user_id <> ? and ${visible("x")}
      group by x.course_id)
    ${
      database === "postgresql"
        ? // Counted room by room (an index-only aggregate each) rather than joined and grouped: half the time.
          `select r.course_id, r.last_read, u.unread, u.first_unread, coalesce(mn.mentions, 0) as mentions
    from r
    join courses c on c.id = r.course_id and ${MEMBER.replace("?", staffParam)}
    left join mentioned mn on mn.course_id = r.course_id
    cross join lateral (select count(*) as unread, min(m.id) as first_unread from messages m
      where m.course_id = r.course_id and m.id > r.last_read and m.deleted_at is null and m.user_id <> ? and ${visible("m")}) u`
        : `select r.course_id, r.last_read, count(m.id) as unread, min(m.id) as first_unread, coalesce(max(mn.mentions), 0) as mentions
    from r
    join courses c on c.id = r.course_id and ${MEMBER.replace("?", staffParam)}
    left join mentioned mn on mn.course_id = r.course_id
    left join messages m on m.course_id = r.course_id and m.id > r.last_read and m.deleted_at is null and m.user_id <> ? and ${visible("m")}
    group by r.course_id, r.last_read`
    }`;
}

/** Per room of which the reader is a member (of those asked, `source`): the latest message still shown that they may read (own ones included). */
export function latestSql(database: DatabaseTarget["kind"], source: RoomsSource = "ids"): string {
  const staffParam = database === "postgresql" ? "?::int" : "?";
  const rooms =
    source === "member" ? `(${MEMBER_ROOMS}) r` : database === "postgresql" ? "unnest(?::int[]) as r(course_id)" : "(select cast(value as integer) as course_id from json_each(?)) r";
  return `select r.course_id, c.created_at, l.id as latest_id, l.sent_on
    from ${rooms} join courses c on c.id = r.course_id and ${MEMBER.replace("?", staffParam)}
    left join messages l on l.id = (select m.id from messages m where m.course_id = r.course_id and m.deleted_at is null and ${VISIBLE.replace("?", staffParam)}
      order by m.id desc limit 1)`;
}

/** Moves a marker forward only: a late or repeated write of an older position changes nothing. */
export function forwardSql(database: DatabaseTarget["kind"]): string {
  const greatest = database === "postgresql" ? "greatest" : "max";
  return `insert into read_markers (user_id, course_id, last_read_message_id, updated_at) values (?, ?, ?, ?)
    on conflict (user_id, course_id) do update set last_read_message_id = ${greatest}(read_markers.last_read_message_id, excluded.last_read_message_id), updated_at = excluded.updated_at
    where read_markers.last_read_message_id < excluded.last_read_message_id`;
}

/** Sets a marker wherever it is (markUnread). */
export const SET_SQL = `insert into read_markers (user_id, course_id, last_read_message_id, updated_at) values (?, ?, ?, ?)
    on conflict (user_id, course_id) do update set last_read_message_id = excluded.last_read_message_id, updated_at = excluded.updated_at`;
