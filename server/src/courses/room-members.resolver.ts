import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import { User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { roomMembers } from "./room-members.service.js";

@Resolver()
export class RoomMembersResolver {
  @Query(() => [User], {
    description: "Everyone who may enter a course's room: its instructor, then staff, then enrolled students, each by name. Members only.",
  })
  roomMembers(@Arg("courseId", () => ID, { description: "The course whose room." }) courseId: string, @Ctx() ctx: Context): Promise<User[]> {
    return roomMembers(ctx.em, ctx.services.courses, requireUser(ctx), courseId);
  }
}
