/** Where a reader was in a room: the first message in view and how far its top was above the view's top. */
export interface ScrollPlace {
  anchorId: string;
  offset: number;
}

const key = (courseId: string) => `educa-chat.scroll.${courseId}`;

/** This tab's place in a room; null: at the newest message. */
export function recallPlace(courseId: string): ScrollPlace | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(key(courseId)) ?? "null") as Partial<ScrollPlace> | null;
    return value && typeof value.anchorId === "string" && typeof value.offset === "number" ? { anchorId: value.anchorId, offset: value.offset } : null;
  } catch {
    return null;
  }
}

export function rememberPlace(courseId: string, place: ScrollPlace | null): void {
  try {
    if (place) sessionStorage.setItem(key(courseId), JSON.stringify(place));
    else sessionStorage.removeItem(key(courseId));
  } catch {
    // Storage refused: the room opens at the newest message next time.
  }
}
