import type { WatchHandlers } from '../generated/ordo/v1/Watch';
import type { WatchEvent } from '../generated/ordo/v1/WatchEvent';
import type { RaftNode } from '../raft/node/raft-node';
import { changeRecordRange, decodeChangeRecord, rangeContains } from '../statemachine';
import { AddressOf, toServiceError } from './grpc-errors';
import { streamFromStore, successor } from './record-stream';

/**
 * Watch: every change to keys in [key, range_end) from a revision on, then live. Served from the
 * state machine's change log on disk (revision = Raft index), by the node addressed.
 */
export function watchHandlers(node: RaftNode, addressOf: AddressOf): WatchHandlers {
  return {
    Watch(call) {
      const key = new Uint8Array(call.request.key);
      const rangeEnd = call.request.rangeEnd.length ? new Uint8Array(call.request.rangeEnd) : undefined;
      const from = Number(call.request.fromRevision) || node.stateMachine.revision + 1;
      let gte = changeRecordRange(from).gte;
      void streamFromStore(node, call, {
        check: () => undefined,
        range: () => ({ gte, lt: changeRecordRange(from).lt }),
        emit: (rows) => {
          gte = successor(rows[rows.length - 1][0]);
          const events: WatchEvent[] = [];
          for (const [, v] of rows) {
            const c = decodeChangeRecord(v);
            if (!rangeContains(key, rangeEnd, c.key)) continue;
            events.push({
              kind: c.kind === 'put' ? 'PUT' : 'DELETE',
              key: Buffer.from(c.key),
              value: Buffer.from(c.value ?? new Uint8Array(0)),
              revision: c.revision,
              createRevision: c.createRevision,
              modRevision: c.modRevision,
              version: c.version,
            });
          }
          return events.length > 0 ? { events } : null;
        },
        onError: (e) => toServiceError(e, addressOf),
      });
    },
  };
}
