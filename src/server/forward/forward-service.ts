import * as grpc from '@grpc/grpc-js';
import type { ForwardHandlers } from '../../generated/ordo/raft/v1/Forward';
import { EntryTooLargeError, NotLeaderError, OverloadedError } from '../../raft/node/errors';
import type { RaftNode } from '../../raft/node/raft-node';
import type { Lessor } from '../etcd/lessor';

/**
 * The leader's end of Forwarder: appends forwarded commands, confirms ReadIndex, and answers for
 * its lessor. A node that does not lead answers FAILED_PRECONDITION, and the follower retries
 * with whoever leads by then.
 */
export function forwardHandlers(node: RaftNode, cluster: string, lessor: Lessor): ForwardHandlers {
  /** Runs `f` for a caller of this cluster and maps the node's errors to statuses. */
  async function serve<T>(reqCluster: string, cb: grpc.sendUnaryData<T>, f: () => T | Promise<T>): Promise<void> {
    if (reqCluster !== cluster) return cb({ code: grpc.status.PERMISSION_DENIED, details: `caller belongs to cluster "${reqCluster}", this node to "${cluster}"` }, null);
    try {
      cb(null, await f());
    } catch (e) {
      const details = e instanceof Error ? e.message : String(e);
      if (e instanceof NotLeaderError) cb({ code: grpc.status.FAILED_PRECONDITION, details }, null);
      else if (e instanceof EntryTooLargeError) cb({ code: grpc.status.INVALID_ARGUMENT, details }, null);
      else if (e instanceof OverloadedError) cb({ code: grpc.status.RESOURCE_EXHAUSTED, details }, null);
      else cb({ code: grpc.status.UNAVAILABLE, details }, null);
    }
  }
  const leading = () => {
    const st = node.status();
    if (st.role !== 'leader') throw new NotLeaderError(st.leaderId);
  };

  return {
    Propose(call, cb) {
      void serve(call.request.cluster, cb, () => node.proposeAt(new Uint8Array(call.request.command)));
    },
    ReadIndex(call, cb) {
      void serve(call.request.cluster, cb, async () => {
        await node.readBarrier();
        return { index: node.stateMachine.appliedIndex };
      });
    },
    LeaseKeepAlive(call, cb) {
      void serve(call.request.cluster, cb, () => {
        leading();
        return { ttl: lessor.renew(Number(call.request.id)) };
      });
    },
    LeaseTimeToLive(call, cb) {
      void serve(call.request.cluster, cb, () => {
        leading();
        return { ttl: lessor.remaining(Number(call.request.id)) };
      });
    },
  };
}
