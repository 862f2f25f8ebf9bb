import { useCallback, useEffect, useState } from "react";
import { useApi } from "../api-context";
import { errorCode } from "../errors";
import type { QueueQuestionFragment } from "../gql/graphql";
import { questionError } from "./errors";
import { OpenQuestionsDocument, OpenQuestionsUpdatedDocument } from "./operations";
import { applyQueueChange, mergeQueuePage, type QueueChange } from "./queue";

export const QUEUE_PAGE = 50;

export interface QuestionQueue {
  status: "loading" | "ready" | "forbidden" | "failed";
  questions: readonly QueueQuestionFragment[];
  hasMore: boolean;
  error: string | null;
  loadMore(): Promise<void>;
}

/**
 * The open questions of a course, oldest first, live: the subscription starts before the first
 * page is read, so nothing asked in between is missed, and after a reconnect both start again.
 */
export function useQuestionQueue(courseId: string): QuestionQueue {
  const { client, ws } = useApi();
  const [status, setStatus] = useState<QuestionQueue["status"]>("loading");
  const [questions, setQuestions] = useState<readonly QueueQuestionFragment[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const readPage = useCallback(
    async (after: string | null) => {
      const result = await client.query({ query: OpenQuestionsDocument, variables: { courseId, first: QUEUE_PAGE, after }, fetchPolicy: "no-cache" });
      if (result.error) throw result.error;
      return result.data?.openQuestions ?? [];
    },
    [client, courseId],
  );

  useEffect(() => {
    let cancelled = false;
    let live: { unsubscribe(): void } | null = null;
    const refuse = (caught: unknown) => {
      if (cancelled) return;
      if (errorCode(caught) === "FORBIDDEN") setStatus("forbidden");
      else {
        setError(questionError(caught));
        setStatus((current) => (current === "ready" ? current : "failed"));
      }
    };
    const start = async () => {
      live?.unsubscribe();
      // Changes that come while the first page is read are applied on top of it.
      let pending: QueueChange<QueueQuestionFragment>[] | null = [];
      live = client.subscribe({ query: OpenQuestionsUpdatedDocument, variables: { courseId } }).subscribe({
        next: (result) => {
          const change = result.data?.openQuestionsUpdated;
          if (change && pending) pending.push(change);
          else if (change) setQuestions((list) => applyQueueChange(list, change));
          else if (result.error) refuse(result.error);
        },
        error: refuse,
      });
      try {
        const page = await readPage(null);
        if (cancelled) return;
        // Afresh (a reconnect may have missed changes), then what came while reading.
        const changes = pending;
        pending = null;
        setQuestions(changes.reduce<QueueQuestionFragment[]>((list, change) => applyQueueChange(list, change), mergeQueuePage([], page)));
        setHasMore(page.length === QUEUE_PAGE);
        setError(null);
        setStatus("ready");
      } catch (caught) {
        refuse(caught);
      }
    };
    void start();
    const off = ws ? [ws.on("closed", () => (live?.unsubscribe(), (live = null))), ws.on("connected", () => !cancelled && !live && void start())] : [];
    return () => {
      cancelled = true;
      live?.unsubscribe();
      off.forEach((stop) => stop());
    };
  }, [client, ws, courseId, readPage]);

  const loadMore = useCallback(async () => {
    const last = questions.at(-1)?.id ?? null;
    try {
      const page = await readPage(last);
      setQuestions((list) => mergeQueuePage(list, page));
      setHasMore(page.length === QUEUE_PAGE);
    } catch (caught) {
      setError(questionError(caught));
    }
  }, [questions, readPage]);

  return { status, questions, hasMore, error, loadMore };
}
