import type { OrdoClient } from '../../client/client';
import type { EtcdClient } from '../../etcd-client';
import type { HistoryRecorder } from '../history';

/** What a workload gets while the nemesis runs. */
export interface WorkloadContext {
  readonly endpoints: readonly string[];
  readonly history: HistoryRecorder;
  /** A client whose first choice is endpoint `k mod n`, so load (and any stale node) is spread. */
  client(k: number): OrdoClient;
  /** An etcd v3 API client (every node's client port) that starts on endpoint `k mod n`. */
  etcdClient(k: number): EtcdClient;
  readonly seed: number;
  readonly stopped: () => boolean;
}

/** What a workload gets after everything healed and converged. */
export interface FinalContext {
  readonly endpoints: readonly string[];
  readonly history: HistoryRecorder;
  /** A client bound to one endpoint alone (for per-node, serializable reads). */
  nodeClient(endpoint: string): OrdoClient;
  readonly timeLimitMs: number;
}

export interface WorkloadVerdict {
  readonly name: string;
  readonly ok: boolean;
  /** `linearizable`, `not linearizable`, `unknown`, or the workload's own finding. */
  readonly verdict: string;
  readonly detail: string;
}

/**
 * A chaos workload plug-in: runs concurrent clients until told to stop, recording every call in
 * its history; then judges what it saw. Register and set exist; a log workload (append / read by
 * offset) plugs in the same way once topics land.
 */
export interface Workload {
  readonly name: string;
  run(ctx: WorkloadContext): Promise<void>;
  verify(ctx: FinalContext): Promise<WorkloadVerdict>;
}
