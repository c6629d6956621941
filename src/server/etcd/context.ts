import type * as grpc from '@grpc/grpc-js';
import type { ResponseHeader } from '../../generated/etcd/etcdserverpb/ResponseHeader';
import type { RaftNode } from '../../raft/node/raft-node';
import { Fnv1a64, type StateMachineConfig } from '../../statemachine';
import type { MemberDirectory } from '../member-directory';
import { DEFAULT_REQUEST_TIMEOUT_MS, type Forwarder } from '../forward/forwarder';
import type { Lessor } from './lessor';

/** What every etcd service handler needs from the node. */
export interface EtcdContext {
  readonly node: RaftNode;
  readonly forwarder: Forwarder;
  readonly lessor: Lessor;
  readonly smConfig: StateMachineConfig;
  readonly cluster: string;
  readonly directory: MemberDirectory;
  readonly dataDir: string;
  /** The chaos tests' deliberately broken build (ORDO_UNSAFE_STALE_READS=1): reads skip ReadIndex. */
  readonly unsafeStaleReads?: boolean;
}

const clusterIds = new Map<string, string>();

/** etcd's cluster_id: a stable 64-bit number derived from the cluster name, as a decimal string. */
export function clusterId(cluster: string): string {
  let id = clusterIds.get(cluster);
  if (id === undefined) {
    id = BigInt('0x' + new Fnv1a64().update(Buffer.from(cluster, 'utf8')).hex()).toString();
    clusterIds.set(cluster, id);
  }
  return id;
}

/** The header etcd puts on every response: who answered, in which term, at which store revision. */
export function header(ctx: EtcdContext, revision = ctx.node.stateMachine.revision): ResponseHeader {
  const st = ctx.node.status();
  return { cluster_id: clusterId(ctx.cluster), member_id: String(st.id), revision: String(revision), raft_term: String(st.term) };
}

/** The call's deadline, capped so a request without one still ends (etcd's request timeout). */
export function deadlineOf(call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getDeadline'>): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Math.min(Number.isFinite(ms) ? ms : Infinity, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS);
}
