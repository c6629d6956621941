import * as grpc from '@grpc/grpc-js';
import type { KVHandlers } from '../generated/ordo/v1/KV';
import type { RaftNode } from '../raft/node/raft-node';
import { encodeCommand, validateCommand, validateRangeOp } from '../statemachine';
import type { ApplyResult, Command, Op, OpResponse, StateMachineConfig } from '../statemachine';
import type { Session as WireSession } from '../generated/ordo/v1/Session';
import { AddressOf, InvalidRequestError, applyErrorToStatus, toServiceError } from './grpc-errors';
import { toDeleteOp, toPutOp, toRangeOp, toSession, toTxnOp, toWireKv, toWireResponseOp } from './kv-mapping';

type Callback<T> = grpc.sendUnaryData<T>;

/**
 * Deliberately broken behaviours, switched on only by the chaos tests' "broken build" check
 * (ORDO_UNSAFE_STALE_READS=1) to prove the harness catches them. Never set in production.
 */
export interface UnsafeServerModes {
  /** Serve "linearizable" reads from local state on any node, skipping ReadIndex. */
  readonly staleReads?: boolean;
}

/**
 * The KV service: writes become Raft proposals (stamped with the leader's clock, so session
 * expiry is deterministic everywhere); reads are linearizable through ReadIndex unless the
 * client asks for `serializable`. Followers refuse writes and linearizable reads with
 * UNAVAILABLE naming the leader (the client library follows it); they do not forward.
 */
export function kvHandlers(node: RaftNode, smConfig: StateMachineConfig, addressOf: AddressOf, unsafe: UnsafeServerModes = {}): KVHandlers {
  const header = () => ({ memberId: node.status().id, raftTerm: node.status().term, revision: node.stateMachine.revision });
  const fail = (cb: Callback<never>, e: unknown) => cb(toServiceError(e, addressOf), null);

  /** Validates, proposes and waits for the apply; answers with `respond(result)` or an error status. */
  async function write<T>(op: Op, session: WireSession | null | undefined, cb: Callback<T>, respond: (r: OpResponse, revision: number) => T) {
    try {
      const cmd: Command = { stampMs: Date.now(), op, ...withSession(toSession(session)) };
      const invalid = validateCommand(cmd, smConfig);
      if (invalid) throw new InvalidRequestError(invalid);
      const result: ApplyResult = await node.propose(encodeCommand(cmd));
      if (result.kind === 'ok') cb(null, respond(result.response, result.revision));
      else if (result.kind === 'error') cb(applyErrorToStatus(result.error), null);
      else cb({ code: grpc.status.INTERNAL, details: 'command applied as a no-op' }, null);
    } catch (e) {
      fail(cb, e);
    }
  }

  return {
    async Range(call, cb) {
      try {
        const op = toRangeOp(call.request);
        const invalid = validateRangeOp(op, smConfig);
        if (invalid) throw new InvalidRequestError(invalid);
        if (!call.request.serializable && !unsafe.staleReads) await node.readBarrier();
        const r = node.read({ key: op.key, rangeEnd: op.rangeEnd, limit: op.limit });
        cb(null, { header: { ...header(), revision: r.revision }, kvs: r.kvs.map(toWireKv), more: r.more, count: r.count });
      } catch (e) {
        fail(cb, e);
      }
    },
    Put(call, cb) {
      void write(toPutOp(call.request), call.request.session, cb, (r, revision) => ({
        header: { ...header(), revision },
        ...(r.type === 'put' && r.prevKv ? { prevKv: toWireKv(r.prevKv) } : {}),
      }));
    },
    DeleteRange(call, cb) {
      try {
        const op = toDeleteOp(call.request);
        void write(op, call.request.session, cb, (r, revision) => ({
          header: { ...header(), revision },
          deleted: r.type === 'delete' ? r.deleted : 0,
          prevKvs: r.type === 'delete' ? (r.prevKvs ?? []).map(toWireKv) : [],
        }));
      } catch (e) {
        fail(cb, e);
      }
    },
    Txn(call, cb) {
      try {
        const op = toTxnOp(call.request);
        void write(op, call.request.session, cb, (r, revision) => {
          const h = { ...header(), revision };
          if (r.type !== 'txn') return { header: h, succeeded: false, responses: [] };
          return { header: h, succeeded: r.succeeded, responses: r.responses.map((x) => toWireResponseOp(x, h)) };
        });
      } catch (e) {
        fail(cb, e);
      }
    },
  };
}

function withSession(session: Command['session']): Partial<Command> {
  return session ? { session } : {};
}
