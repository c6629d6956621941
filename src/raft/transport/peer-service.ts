import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MessageBatch__Output } from '../../generated/ordo/raft/v1/MessageBatch';
import type { PeerHandlers } from '../../generated/ordo/raft/v1/Peer';
import type { Message, NodeId } from '../core/types';
import { decodeMessage } from './codec';
import { receiveSnapshot, type SnapshotReceiverOptions, type SnapshotStagingSink } from './snapshot-receiver';

/**
 * The receiving end of peers' streams: every batch is decoded and handed to the node in one
 * call, so one loop turn steps them all and persists their effects in one group commit.
 */
export function peerHandlers<S extends SnapshotStagingSink>(opts: {
  cluster: string;
  selfId: NodeId;
  log: Logger;
  deliver: (msgs: Message[]) => void;
  /** A sender's own peer address, for a node that may not know where it lives yet. */
  learnAddress: (id: NodeId, peerAddress: string) => void;
  snapshots: Pick<SnapshotReceiverOptions<S>, 'begin' | 'offer'>;
}): PeerHandlers {
  return {
    Send(call: grpc.ServerReadableStream<MessageBatch__Output, object>, callback: grpc.sendUnaryData<object>) {
      let failed = false;
      const fail = (code: grpc.status, details: string) => {
        if (failed) return;
        failed = true;
        opts.log.warn({ details }, 'rejecting peer stream');
        callback({ code, details });
      };
      call.on('data', (batch: MessageBatch__Output) => {
        if (failed) return;
        if (batch.cluster !== opts.cluster) {
          fail(grpc.status.FAILED_PRECONDITION, `peer belongs to cluster "${batch.cluster}", this node to "${opts.cluster}"`);
          return;
        }
        try {
          const msgs = batch.messages.map(decodeMessage);
          // Any sender of this cluster is heard: membership changes at runtime, and the core
          // itself ignores what a non-member may not say (dissertation 4.2.3).
          const stray = msgs.find((m) => m.to !== opts.selfId);
          if (stray) return fail(grpc.status.INVALID_ARGUMENT, `message from ${stray.from} to ${stray.to} reached node ${opts.selfId}`);
          if (batch.fromAddress && msgs.length > 0) opts.learnAddress(msgs[0]!.from, batch.fromAddress);
          opts.deliver(msgs);
        } catch (e) {
          fail(grpc.status.INVALID_ARGUMENT, e instanceof Error ? e.message : String(e));
        }
      });
      call.on('end', () => {
        if (!failed) callback(null, {});
      });
      call.on('error', () => undefined); // the peer went away; it reconnects on its own
    },
    InstallSnapshot(call, callback) {
      receiveSnapshot({ cluster: opts.cluster, selfId: opts.selfId, log: opts.log, ...opts.snapshots }, call, callback);
    },
  };
}
