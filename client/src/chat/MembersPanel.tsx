import { useQuery } from "@apollo/client/react";
import { useId } from "react";
import { describeError } from "../errors";
import type { RoomPresence } from "../presence/room-presence";
import { Avatar, RoleBadge, roleBadge } from "./Avatar";
import { RoomMembersDocument } from "./directory-operations";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Who is in the room: who has it open now, then every member (the instructor, staff, students). */
export function MembersPanel({ courseId, ownerId, userId, presence }: { courseId: string; ownerId: string | undefined; userId: string; presence?: RoomPresence }) {
  const { data, error, loading } = useQuery(RoomMembersDocument, { variables: { courseId }, fetchPolicy: "cache-and-network" });
  const members = data?.roomMembers ?? [];
  const online = new Set(presence?.online.map((user) => user.id));
  const counts = presence?.counts;
  const onlineHeading = useId();
  const membersHeading = useId();
  return (
    <>
      {error && <p className="error">{describeError(error)}</p>}
      {presence && (
        <section aria-labelledby={onlineHeading}>
          <h3 id={onlineHeading}>Online now ({presence.online.length})</h3>
          {counts && (
            <p className="muted online-counts" data-testid="online-counts">
              {plural(counts.students, "student", "students")} · {counts.staff} staff
            </p>
          )}
          <ul className="member-list" aria-label="Online now">
            {presence.online.map((user) => (
              <li key={user.id}>
                <span className="online-dot" aria-hidden="true" />
                <span>
                  {user.username}
                  {user.id === userId && <span className="muted"> (you)</span>}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {loading && !data && <p>Loading members…</p>}
      {data && (
        <section aria-labelledby={membersHeading}>
          <h3 id={membersHeading}>Members</h3>
          <p className="muted">{plural(members.length, "member", "members")}</p>
          <ul className="member-list" aria-label="Members">
            {members.map((member) => (
              <li key={member.id}>
                <Avatar user={member} />
                <span>
                  {member.username}
                  {member.id === userId && <span className="muted"> (you)</span>}
                </span>
                {/* Said in words by the Online now list above; here a dot for the eye. */}
                {online.has(member.id) && <span className="online-dot" title="Online" aria-hidden="true" />}
                <RoleBadge label={roleBadge(member, ownerId)} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
