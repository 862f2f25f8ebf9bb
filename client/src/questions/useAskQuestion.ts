import { useApolloClient } from "@apollo/client/react";
import { useCallback, useRef, useState } from "react";
import { AskQuestionDocument } from "./operations";
import { questionError } from "./errors";

export interface AskQuestion {
  /** The composer posts a question instead of a message. */
  asking: boolean;
  setAsking(asking: boolean): void;
  anonymous: boolean;
  setAnonymous(anonymous: boolean): void;
  private: boolean;
  setPrivate(value: boolean): void;
  error: string | null;
  /** Posts the question; resolves false (the composer keeps the text) when the server refuses it. */
  send(content: string): Promise<boolean>;
}

/** The composer's question mode: the kind and the anonymous / private options of the next post. */
export function useAskQuestion(courseId: string, options: { anonymousAllowed: boolean; privateAllowed: boolean }): AskQuestion {
  const client = useApolloClient();
  const [asking, setAsking] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { anonymousAllowed, privateAllowed } = options;
  // Enter pressed again while the first is on its way posts nothing twice.
  const posting = useRef(false);

  const send = useCallback(
    async (raw: string) => {
      const content = raw.trim();
      if (!content || posting.current) return false;
      posting.current = true;
      setError(null);
      try {
        // The same id on a retry of this one attempt; the room shows the question from its stream.
        const result = await client.mutate({
          mutation: AskQuestionDocument,
          variables: { courseId, content, clientMessageId: crypto.randomUUID(), anonymous: anonymousAllowed && anonymous, private: privateAllowed && isPrivate },
        });
        if (result.error) throw result.error;
        setAsking(false);
        setAnonymous(false);
        setPrivate(false);
        return true;
      } catch (caught) {
        setError(`Your question was not posted: ${questionError(caught)}`);
        return false;
      } finally {
        posting.current = false;
      }
    },
    [client, courseId, anonymous, isPrivate, anonymousAllowed, privateAllowed],
  );

  return { asking, setAsking: (value) => { setAsking(value); setError(null); }, anonymous, setAnonymous, private: isPrivate, setPrivate, error, send };
}
