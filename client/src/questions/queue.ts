/** The staff queue's list logic, apart from React: merge a page, apply a live update, keep oldest first. */
export interface QueueEntry {
  id: string;
}

export interface QueueChange<Q extends QueueEntry> {
  questionId: string;
  open: boolean;
  question: Q | null;
}

const byId = (a: QueueEntry, b: QueueEntry) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/** A question that waits joins (or is replaced in) the list; one answered, resolved or deleted leaves it. */
export function applyQueueChange<Q extends QueueEntry>(list: readonly Q[], change: QueueChange<Q>): Q[] {
  const rest = list.filter((q) => q.id !== change.questionId);
  if (!change.open || !change.question) return rest;
  return [...rest, change.question].sort(byId);
}

/** A further page (or a fresh first one) merged with what is shown, each question once. */
export function mergeQueuePage<Q extends QueueEntry>(list: readonly Q[], page: readonly Q[]): Q[] {
  const ids = new Set(page.map((q) => q.id));
  return [...list.filter((q) => !ids.has(q.id)), ...page].sort(byId);
}

/** "3 min", "2 h 5 min", "1 d 4 h": how long a question has waited. */
export function waited(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return "under a minute";
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
