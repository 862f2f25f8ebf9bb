import { Role } from "./user.entity.js";

/** Who is asking: a plain snapshot taken when the request or socket was authenticated. */
export interface CurrentUser {
  id: number;
  username: string;
  role: Role;
}

export function isStaff(user: CurrentUser): boolean {
  return user.role === Role.Staff;
}
