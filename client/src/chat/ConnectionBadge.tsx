import { useSyncExternalStore } from "react";
import { useApi } from "../api-context";
import type { Connection } from "../connection";
import { useNow } from "./useNow";

const LABELS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" } as const;

export function useConnection(): Connection {
  const { connection } = useApi();
  return useSyncExternalStore(connection.subscribe, connection.get);
}

/** Live, or what is wrong and when the next attempt comes, with a way to try at once. */
export function ConnectionBadge() {
  const { connection } = useApi();
  const state = useConnection();
  const now = useNow(state.retryAt ? 1000 : 60_000);
  const wait = state.retryAt ? Math.max(0, Math.ceil((state.retryAt - now) / 1000)) : 0;
  const detail = state.reason ? `${state.reason}${wait ? ` Trying again in ${wait} s.` : ""}` : null;
  return (
    <div className="connection">
      <span role="status" className={`badge badge-${state.state}`} data-state={state.state} title={detail ?? undefined}>
        <span className="visually-hidden">Connection: </span>
        {LABELS[state.state]}
        {detail && <span className="visually-hidden"> {detail}</span>}
      </span>
      {state.retryAt !== null && state.state !== "offline" && (
        <button type="button" className="link small-link" onClick={() => connection.retryNow()}>
          Retry now
        </button>
      )}
    </div>
  );
}
