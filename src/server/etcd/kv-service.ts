import type { KVHandlers } from '../../generated/etcd/etcdserverpb/KV';
import type { ResponseHeader } from '../../generated/etcd/etcdserverpb/ResponseHeader';
import type { ResponseOp } from '../../generated/etcd/etcdserverpb/ResponseOp';
import type { KeyValue, TxnOpResponse } from '../../statemachine';
import { type EtcdContext, deadlineOf, header } from './context';
import { toDeleteOp, toPutOp, toTxnPlan, toWireKv } from './convert';
import { ETCD } from './errors';
import { proposeOp, unary } from './handler';
import { rangeShape, readAtRevision, shapeKvs, smLimit, type RangeShape } from './range';
import { int64 } from './wire';

/**
 * etcd's KV service, served by every member: writes go through the leader exactly once (see
 * Forwarder) and are answered from this member's own apply; reads are linearizable through
 * ReadIndex unless `serializable`, which reads this member's state as it is.
 */
export function etcdKvHandlers(ctx: EtcdContext): KVHandlers {
  const { node } = ctx;

  return {
    Range: unary(async (call) => {
      const req = call.request;
      if (req.key.length === 0) throw ETCD.emptyKey;
      const shape = rangeShape(req);
      const revision = int64('revision', req.revision);
      if (!req.serializable && !ctx.unsafeStaleReads) await ctx.forwarder.readBarrier(deadlineOf(call));
      const sm = node.stateMachine;
      const rangeEnd = req.range_end.length > 0 ? req.range_end : undefined;
      if (revision > sm.revision) throw ETCD.futureRev;
      if (revision > 0 && revision < sm.compactRevision) throw ETCD.compacted;
      const current = sm.revision;
      let read: { kvs: readonly KeyValue[]; more: boolean; count: number };
      if (revision <= 0 || revision === current) {
        const limit = smLimit(shape);
        read = node.read({ key: req.key, rangeEnd, ...(limit > 0 ? { limit } : {}) });
      } else {
        const kvs = await readAtRevision(node, req.key, rangeEnd, revision);
        read = { kvs, more: false, count: kvs.length };
      }
      const shaped = shapeKvs(read.kvs, read.more, shape);
      return { header: header(ctx, current), kvs: shaped.kvs.map((kv) => toWireKv(kv, shape.keysOnly)), more: shaped.more, count: read.count };
    }),

    Put: unary(async (call) => {
      const { response, revision } = await proposeOp(ctx, toPutOp(call.request), call);
      const prev = response.type === 'put' ? response.prevKv : undefined;
      return { header: header(ctx, revision), ...(prev ? { prev_kv: toWireKv(prev) } : {}) };
    }),

    DeleteRange: unary(async (call) => {
      const { response, revision } = await proposeOp(ctx, toDeleteOp(call.request), call);
      if (response.type !== 'delete') throw new Error(`delete answered with ${response.type}`);
      return { header: header(ctx, revision), deleted: response.deleted, prev_kvs: (response.prevKvs ?? []).map((kv) => toWireKv(kv)) };
    }),

    Txn: unary(async (call) => {
      const plan = toTxnPlan(call.request, ctx.smConfig.txnOpsMax);
      const { response, revision } = await proposeOp(ctx, plan.op, call);
      if (response.type !== 'txn') throw new Error(`txn answered with ${response.type}`);
      const h = header(ctx, revision);
      const shapes = response.succeeded ? plan.successShapes : plan.failureShapes;
      return { header: h, succeeded: response.succeeded, responses: response.responses.map((r, i) => toResponseOp(r, shapes[i] ?? null, h)) };
    }),

    Compact: unary(async (call) => {
      const { revision } = await proposeOp(ctx, { type: 'compact', revision: int64('revision', call.request.revision) }, call);
      return { header: header(ctx, revision) };
    }),
  };
}

function toResponseOp(r: TxnOpResponse, shape: RangeShape | null, h: ResponseHeader): ResponseOp {
  switch (r.type) {
    case 'put':
      return { response_put: { header: h, ...(r.prevKv ? { prev_kv: toWireKv(r.prevKv) } : {}) } };
    case 'delete':
      return { response_delete_range: { header: h, deleted: r.deleted, prev_kvs: (r.prevKvs ?? []).map((kv) => toWireKv(kv)) } };
    case 'range': {
      const s = shape ?? rangeShapeNone;
      const shaped = shapeKvs(r.kvs, r.more, s);
      return { response_range: { header: h, kvs: shaped.kvs.map((kv) => toWireKv(kv, s.keysOnly)), more: shaped.more, count: r.count } };
    }
    default: {
      const never: never = r;
      throw new Error(`unknown txn response ${JSON.stringify(never)}`);
    }
  }
}

const rangeShapeNone: RangeShape = { limit: 0, order: 'NONE', target: 'KEY', keysOnly: false, countOnly: false, minMod: 0, maxMod: 0, minCreate: 0, maxCreate: 0 };
