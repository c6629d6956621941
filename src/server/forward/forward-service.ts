import * as grpc from '@grpc/grpc-js';
import type { ForwardHandlers } from '../../generated/ordo/raft/v1/Forward';
import type { ForwardBatch__Output } from '../../generated/ordo/raft/v1/ForwardBatch';
import type { ForwardReplies } from '../../generated/ordo/raft/v1/ForwardReplies';
import type { ForwardReply } from '../../generated/ordo/raft/v1/ForwardReply';
import type { ForwardRequest__Output } from '../../generated/ordo/raft/v1/ForwardRequest';
import { EntryTooLargeError, NotLeaderError, OverloadedError } from '../../raft/node/errors';
import type { RaftNode } from '../../raft/node/raft-node';
import type { Lessor } from '../etcd/lessor';

/**
 * The leader's end of ForwardLink: appends forwarded commands, confirms ReadIndex, and answers for
 * its lessor. Replies leave in batches, one write per event-loop turn. A node that does not lead
 * answers FAILED_PRECONDITION, and the follower retries with whoever leads by then.
 */
export function forwardHandlers(node: RaftNode, cluster: string, lessor: Lessor): ForwardHandlers {
  return {
    Stream(call: grpc.ServerDuplexStream<ForwardBatch__Output, ForwardReplies>) {
      let out: ForwardReply[] = [];
      let scheduled = false;
      const flush = () => {
        scheduled = false;
        const replies = out;
        out = [];
        if (!call.cancelled) call.write({ replies });
      };
      const reply = (r: ForwardReply) => {
        out.push(r);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      };
      call.on('data', (batch: ForwardBatch__Output) => {
        if (batch.cluster !== cluster) {
          call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: `caller belongs to cluster "${batch.cluster}", this node to "${cluster}"` });
          return;
        }
        for (const req of batch.requests) {
          serve(node, lessor, req).then(
            (r) => reply({ id: req.id, ...r }),
            (e: unknown) => reply({ id: req.id, code: statusOf(e), message: e instanceof Error ? e.message : String(e) }),
          );
        }
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined); // the follower went away; it reopens on its next request
    },
  };
}

async function serve(node: RaftNode, lessor: Lessor, req: ForwardRequest__Output): Promise<Omit<ForwardReply, 'id'>> {
  const leading = () => {
    const st = node.status();
    if (st.role !== 'leader') throw new NotLeaderError(st.leaderId);
  };
  switch (req.kind) {
    case 'propose':
      return node.proposeAt(new Uint8Array(req.propose!));
    case 'readIndex':
      await node.readBarrier();
      return { index: node.stateMachine.appliedIndex };
    case 'leaseKeepAlive':
      leading();
      return { ttl: lessor.renew(req.leaseKeepAlive!) };
    case 'leaseTimeToLive':
      leading();
      return { ttl: lessor.remaining(req.leaseTimeToLive!) };
    default:
      throw new Error(`unknown forwarded request kind ${String(req.kind)}`);
  }
}

function statusOf(e: unknown): grpc.status {
  if (e instanceof NotLeaderError) return grpc.status.FAILED_PRECONDITION;
  if (e instanceof EntryTooLargeError) return grpc.status.INVALID_ARGUMENT;
  if (e instanceof OverloadedError) return grpc.status.RESOURCE_EXHAUSTED;
  return grpc.status.UNAVAILABLE;
}
