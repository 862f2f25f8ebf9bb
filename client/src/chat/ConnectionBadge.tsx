import { useSyncExternalStore } from "react";
import { useApi } from "../api-context";

const LABELS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" } as const;

export function ConnectionBadge() {
  const { connection } = useApi();
  const state = useSyncExternalStore(connection.subscribe, connection.get);
  return (
    <span role="status" className={`badge badge-${state}`} data-state={state} aria-label={`Connection: ${LABELS[state]}`}>
      {LABELS[state]}
    </span>
  );
}

export function useConnectionState() {
  const { connection } = useApi();
  return useSyncExternalStore(connection.subscribe, connection.get);
}
