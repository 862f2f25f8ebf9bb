import { createHmac } from "node:crypto";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import { Role } from "../auth/user.entity.js";
import type { Author, MessageData, MessageReferenceData } from "./message-data.js";

const ADJECTIVES = [
  "Curious", "Quiet", "Brave", "Clever", "Gentle", "Patient", "Bold", "Calm", "Eager", "Kind", "Lively", "Modest", "Nimble", "Polite",
  "Quick", "Sincere", "Steady", "Thoughtful", "Witty", "Wise", "Cheerful", "Careful", "Diligent", "Honest", "Humble", "Keen", "Loyal",
  "Merry", "Bright", "Daring", "Earnest", "Fearless", "Friendly", "Gracious", "Hopeful", "Inventive", "Jolly", "Lucky", "Mindful", "Noble",
];
const ANIMALS = [
  "Otter", "Owl", "Fox", "Heron", "Badger", "Lynx", "Panda", "Koala", "Falcon", "Dolphin", "Hedgehog", "Beaver", "Raven", "Tortoise",
  "Penguin", "Squirrel", "Walrus", "Marten", "Ibex", "Gecko", "Puffin", "Crane", "Bison", "Lemur", "Meerkat", "Narwhal", "Ocelot",
  "Pelican", "Quail", "Robin", "Salmon", "Tapir", "Urchin", "Vole", "Wombat", "Yak", "Zebra", "Alpaca", "Cheetah", "Finch",
];

/**
 * Stable pseudonyms: the same person within one question's thread always has the same one, and
 * nothing links it to them or to their pseudonym in another thread (a keyed hash of the course,
 * the thread and the person, under a key derived from SECRET_KEY).
 */
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = createHmac("sha256", secretKey).update("educa-chat pseudonyms").digest();
  }

  of(courseId: string, threadId: string, userId: string): Author {
    const digest = createHmac("sha256", this.key).update(`${courseId}:${threadId}:${userId}`).digest();
    const name = `${ADJECTIVES[digest[0]! % ADJECTIVES.length]} ${ANIMALS[digest[1]! % ANIMALS.length]}`;
    return { id: `anon-${digest.subarray(2, 10).toString("hex")}`, username: name, role: Role.Student };
  }
}

/** The instructor of the course, or staff: they see who wrote an anonymous message, and private questions. */
export function moderates(viewer: CurrentUser | null, data: { courseOwnerId: string }): boolean {
  return viewer !== null && (isStaff(viewer) || String(viewer.id) === data.courseOwnerId);
}

/** Whether a viewer may see who wrote it: always, unless it is anonymous and they are a classmate. */
export function seesAuthor(viewer: CurrentUser | null, data: { anonymous: boolean; courseOwnerId: string; user: Author }): boolean {
  return !data.anonymous || moderates(viewer, data) || (viewer !== null && String(viewer.id) === data.user.id);
}

/** Whether a viewer may see the message at all: a private question's thread only for its asker and moderators. */
export function mayRead(viewer: CurrentUser | null, data: { privateTo: string | null; courseOwnerId: string }): boolean {
  return data.privateTo === null || moderates(viewer, data) || (viewer !== null && String(viewer.id) === data.privateTo);
}

function referenceFor(viewer: CurrentUser | null, reference: MessageReferenceData, data: MessageData): MessageReferenceData {
  if (!reference.anonymous || seesAuthor(viewer, { anonymous: true, courseOwnerId: data.courseOwnerId, user: reference.user })) return reference;
  return { ...reference, user: reference.pseudonym! };
}

/**
 * The message as this viewer may see it: an anonymous author (and an anonymous quoted parent)
 * under their pseudonym for classmates. Every path that hands a message to a client goes
 * through here — queries, mutation answers, every subscription and replay.
 */
export function viewFor(viewer: CurrentUser | null, data: MessageData): MessageData {
  const author = seesAuthor(viewer, data);
  const replyTo = data.replyTo ? referenceFor(viewer, data.replyTo, data) : null;
  if (author && replyTo === data.replyTo) return data;
  return { ...data, user: author ? data.user : data.pseudonym!, replyTo };
}

/** Which rendering of this message a viewer gets, as far as anonymity goes ("" when everyone sees the same). */
export function anonymityAudience(viewer: CurrentUser | null, data: MessageData): string {
  const own = data.anonymous ? (seesAuthor(viewer, data) ? "a" : "p") : "";
  const parent = data.replyTo?.anonymous ? (seesAuthor(viewer, { anonymous: true, courseOwnerId: data.courseOwnerId, user: data.replyTo.user }) ? "a" : "p") : "";
  return own + parent;
}
