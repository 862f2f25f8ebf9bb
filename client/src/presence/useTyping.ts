import { useEffect, useMemo, useState } from "react";
import { useApi } from "../api-context";
import { TypingDocument, TypingUpdatesDocument } from "./operations";
import { TYPING_SHOWN_MS, TypingNotifier } from "./typing";

/** Who else is typing in the room now, by name, in the order they started. */
export function useTypists(courseId: string): readonly string[] {
  const { client } = useApi();
  const [typists, setTypists] = useState<ReadonlyMap<string, { username: string; until: number }>>(new Map());

  useEffect(() => {
    const subscription = client.subscribe({ query: TypingUpdatesDocument, variables: { courseId } }).subscribe({
      next: (result) => {
        const update = result.data?.typingUpdates;
        if (!update) return;
        setTypists((current) => {
          const next = new Map(current);
          if (update.typing) next.set(update.user.id, { username: update.user.username, until: Date.now() + TYPING_SHOWN_MS });
          else next.delete(update.user.id);
          return next;
        });
      },
    });
    return () => subscription.unsubscribe();
  }, [client, courseId]);

  // A "stopped" lost on the way (a dropped socket) does not leave a typist shown for ever.
  useEffect(() => {
    if (typists.size === 0) return;
    const timer = setInterval(() => {
      setTypists((current) => {
        const now = Date.now();
        const next = new Map([...current].filter(([, typist]) => typist.until > now));
        return next.size === current.size ? current : next;
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [typists.size]);

  return useMemo(() => [...typists.values()].map((typist) => typist.username), [typists]);
}

/** Tells the room the user is typing, at the server's pace. */
export function useTypingNotifier(courseId: string): TypingNotifier {
  const { client } = useApi();
  return useMemo(
    () =>
      new TypingNotifier(async () => {
        const result = await client.mutate({ mutation: TypingDocument, variables: { courseId } });
        return result.data?.typing ?? true;
      }),
    [client, courseId],
  );
}
