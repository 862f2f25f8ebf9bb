import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import { Role, User } from "../auth/user.entity.js";
import type { Services } from "../context.js";
import { Message } from "../messages/message.entity.js";

export const DEMO_PASSWORD = "educa-demo-password";

const people = [
  { username: "ada", role: Role.Instructor },
  { username: "alice", role: Role.Student },
  { username: "bob", role: Role.Student },
  { username: "carol", role: Role.Student },
  { username: "sam", role: Role.Staff },
] as const;

const courses = [
  {
    title: "Introduction to Python",
    overview: "Variables, functions and data structures, from the first line to a small project.",
    students: ["alice", "bob"],
    chat: [
      ["ada", "Welcome to the course chat! Ask anything about this week's exercises here."],
      ["alice", "Hi all! Is the first assignment due on Friday?"],
      ["ada", "Yes, Friday at noon. Send it through the course page."],
      ["bob", "Does anyone have a tip for the list comprehension exercise?"],
      ["alice", "Write it as a for loop first, then fold it into one line."],
      ["bob", "That worked, thanks!"],
    ],
  },
  {
    title: "Web Development with Django",
    overview: "Models, views, templates and real-time features with Channels.",
    students: ["alice", "carol"],
    chat: [
      ["ada", "This room is for questions about the Django course."],
      ["carol", "Hello! Looking forward to the Channels chapter."],
      ["alice", "Same here. See you at the live session."],
    ],
  },
] as const;

export async function seedDemo(em: EntityManager, services: Services, logger: Logger): Promise<boolean> {
  if (await em.count(User, { usernameKey: "ada" })) {
    logger.info("demo data is already there");
    return false;
  }
  const users = new Map<string, User>();
  for (const person of people) {
    users.set(person.username, await services.auth.createUser(em, person.username, DEMO_PASSWORD, person.role));
  }
  const at = (name: string) => users.get(name) as User;
  for (const spec of courses) {
    const course = await services.courses.create(em, at("ada"), spec.title, spec.overview);
    spec.students.forEach((s) => course.students.add(at(s)));
    await em.flush();
    // Sent as any message is (each with its room event), but not counted against its author's
    // send limit (bob could not post at first otherwise), then dated a minute apart before now.
    const start = Date.now() - spec.chat.length * 60_000;
    for (const [i, [author, content]] of spec.chat.entries()) {
      const user = at(author);
      const sent = await services.messages.send({ em }, { id: user.id, username: user.username, role: user.role }, course.id, content, { counted: false });
      await em.nativeUpdate(Message, { id: Number(sent.id) }, { sentOn: new Date(start + i * 60_000) });
    }
  }
  logger.info(
    { accounts: people.map((p) => `${p.username} (${p.role})`) },
    `demo data created: log in as ada (instructor), alice, bob, carol (students) or sam (staff), password "${DEMO_PASSWORD}"`,
  );
  return true;
}

/** Demo data only for an empty database, so a newcomer's first start has something to show. */
export async function seedDemoIfEmpty(em: EntityManager, services: Services, logger: Logger): Promise<void> {
  if ((await em.count(User, {})) > 0) return;
  await seedDemo(em, services, logger);
}

