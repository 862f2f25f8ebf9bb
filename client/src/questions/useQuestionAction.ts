import { useApolloClient } from "@apollo/client/react";
import type { TypedDocumentNode } from "@apollo/client";
import { useCallback, useState } from "react";
import { questionError } from "./errors";

/** Runs one question mutation at a time and keeps the server's refusal to show. */
export function useQuestionAction() {
  const client = useApolloClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async <D, V extends Record<string, unknown>>(mutation: TypedDocumentNode<D, V>, variables: V): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        // The room's event stream shows the change; the answer itself is not needed here.
        const result = await client.mutate({ mutation, variables } as Parameters<typeof client.mutate<D, V>>[0]);
        if (result.error) throw result.error;
        return true;
      } catch (caught) {
        setError(questionError(caught));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { busy, error, run, clearError: useCallback(() => setError(null), []) };
}
