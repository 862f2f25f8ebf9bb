import { useApolloClient } from "@apollo/client/react";
import { useEffect, useState } from "react";
import type { QueueQuestionFragment } from "../gql/graphql";
import { SimilarQuestionsDocument } from "./operations";

const DEBOUNCE_MS = 300;
const MIN_LENGTH = 3;

/** Earlier questions like the one being typed, once typing pauses; none while not asking. */
export function useSimilarQuestions(courseId: string, text: string, enabled: boolean): QueueQuestionFragment[] {
  const client = useApolloClient();
  const [found, setFound] = useState<{ text: string; questions: QueueQuestionFragment[] }>({ text: "", questions: [] });
  const wanted = enabled ? text.trim() : "";

  useEffect(() => {
    if (wanted.length < MIN_LENGTH) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      client
        .query({ query: SimilarQuestionsDocument, variables: { courseId, text: wanted, first: 5 }, fetchPolicy: "no-cache" })
        .then((result) => !cancelled && setFound({ text: wanted, questions: result.data?.similarQuestions ?? [] }))
        // A suggestion is a convenience: a failed look-up shows none rather than an error.
        .catch(() => !cancelled && setFound({ text: wanted, questions: [] }));
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, courseId, wanted]);

  // Suggestions for earlier text stay while the next look-up is under way, not after asking ends.
  return wanted.length < MIN_LENGTH ? [] : found.questions;
}
