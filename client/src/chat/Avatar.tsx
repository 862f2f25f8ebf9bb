import type { CSSProperties } from "react";
import { avatarHue, initials } from "./message-groups";

/** Initials on a colour of the user's own; decorative (the name is beside it). */
export function Avatar({ user }: { user: { id: string; username: string } }) {
  return (
    <span className="avatar" aria-hidden="true" style={{ "--hue": avatarHue(user.id) } as CSSProperties}>
      {initials(user.username)}
    </span>
  );
}

/** "Instructor" for the course's owner (and instructors), "Staff" for staff; nothing for students. */
export function roleBadge(user: { id: string; role?: string }, ownerId: string | undefined): string | null {
  if (user.role === "Staff") return "Staff";
  if (user.id === ownerId || user.role === "Instructor") return "Instructor";
  return null;
}

export function RoleBadge({ label }: { label: string | null }) {
  return label ? <span className={`role-badge role-${label.toLowerCase()}`}>{label}</span> : null;
}
