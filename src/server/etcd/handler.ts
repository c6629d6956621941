import type * as grpc from '@grpc/grpc-js';
import type { Op, OpResponse } from '../../statemachine';
import { type EtcdContext, deadlineOf } from './context';
import { fromApplyError, toEtcdStatus } from './errors';

/** A unary handler from an async function: its value is the response, its error etcd's status. */
export function unary<Req, Res>(f: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>): void => {
    f(call).then(
      (res) => cb(null, res),
      (e: unknown) => cb(toEtcdStatus(e), null),
    );
  };
}

/** Applies `op` through the leader (exactly once); its response and the revision right after it. */
export async function proposeOp(ctx: EtcdContext, op: Op, call: Parameters<typeof deadlineOf>[0]): Promise<{ response: OpResponse; revision: number }> {
  const r = await ctx.forwarder.propose(op, deadlineOf(call));
  if (r.kind === 'error') throw fromApplyError(r.error);
  if (r.kind !== 'ok') throw new Error('a command applied as a no-op');
  return { response: r.response, revision: r.revision };
}
