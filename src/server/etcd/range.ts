import type { RangeRequest__Output } from '../../generated/etcd/etcdserverpb/RangeRequest';
import type { RaftNode } from '../../raft/node/raft-node';
import type { KeyValue } from '../../statemachine';
import { HistoryResolver, historyRange } from '../../statemachine';
import { compareBytes as compareKeys } from '../../statemachine/bytes';
import { STREAM_PAGE_RECORDS, successor } from '../record-stream';
import { ETCD } from './errors';
import { int64 } from './wire';

/**
 * etcd's Range options applied after the keys are read (apply.go's Range): revision filters,
 * sort, limit, keys_only, count_only. Pure functions of the pairs, so a Range and a range inside
 * a Txn shape their answers identically.
 */
export interface RangeShape {
  readonly limit: number;
  /** Effective order: etcd sorts ascending when a non-key target is given without an order. */
  readonly order: 'NONE' | 'ASCEND' | 'DESCEND';
  readonly target: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  readonly keysOnly: boolean;
  readonly countOnly: boolean;
  readonly minMod: number;
  readonly maxMod: number;
  readonly minCreate: number;
  readonly maxCreate: number;
}

export function rangeShape(req: RangeRequest__Output): RangeShape {
  const target = req.sort_target;
  const order = req.sort_order === 'NONE' && target !== 'KEY' ? 'ASCEND' : req.sort_order;
  const limit = int64('limit', req.limit);
  return {
    limit: limit > 0 ? limit : 0,
    order,
    target,
    keysOnly: req.keys_only,
    countOnly: req.count_only,
    minMod: int64('min_mod_revision', req.min_mod_revision),
    maxMod: int64('max_mod_revision', req.max_mod_revision),
    minCreate: int64('min_create_revision', req.min_create_revision),
    maxCreate: int64('max_create_revision', req.max_create_revision),
  };
}

function filtersOrSorts(s: RangeShape): boolean {
  // Key order ascending is the store's own order: no sort needed.
  const sorts = s.order === 'DESCEND' || (s.order === 'ASCEND' && s.target !== 'KEY');
  return sorts || s.minMod !== 0 || s.maxMod !== 0 || s.minCreate !== 0 || s.maxCreate !== 0;
}

/** The limit to read with: everything when filters or a sort must see all pairs first. */
export function smLimit(s: RangeShape): number {
  return filtersOrSorts(s) ? 0 : s.limit;
}

const SORT_KEYS: Record<RangeShape['target'], (a: KeyValue, b: KeyValue) => number> = {
  KEY: (a, b) => compareKeys(a.key, b.key),
  VERSION: (a, b) => a.version - b.version,
  CREATE: (a, b) => a.createRevision - b.createRevision,
  MOD: (a, b) => a.modRevision - b.modRevision,
  VALUE: (a, b) => compareKeys(a.value, b.value),
};

/** Applies the shape to pairs read (in key order) with smLimit(shape); `more` is the read's. */
export function shapeKvs(kvs: readonly KeyValue[], more: boolean, s: RangeShape): { kvs: KeyValue[]; more: boolean } {
  if (s.countOnly) return { kvs: [], more: false };
  let out = kvs.filter(
    (kv) =>
      (s.minMod === 0 || kv.modRevision >= s.minMod) &&
      (s.maxMod === 0 || kv.modRevision <= s.maxMod) &&
      (s.minCreate === 0 || kv.createRevision >= s.minCreate) &&
      (s.maxCreate === 0 || kv.createRevision <= s.maxCreate),
  );
  if (s.order !== 'NONE') {
    const cmp = SORT_KEYS[s.target];
    // Stable, so ties stay in key order on every member.
    out = out.sort(s.order === 'DESCEND' ? (a, b) => cmp(b, a) : cmp);
  }
  if (s.limit > 0 && out.length > s.limit) return { kvs: out.slice(0, s.limit), more: true };
  return { kvs: out, more };
}

/**
 * The pairs of etcd's (key, rangeEnd) as they were at `revision` (a past one, at or above the
 * compact revision), from the history records in LevelDB, one page at a time.
 */
export async function readAtRevision(node: RaftNode, key: Uint8Array, rangeEnd: Uint8Array | undefined, revision: number): Promise<KeyValue[]> {
  await node.stateDurable(node.stateMachine.appliedIndex);
  const { gte, lt } = historyRange(key, rangeEnd);
  const resolver = new HistoryResolver(revision);
  const out: KeyValue[] = [];
  let from = gte;
  for (;;) {
    const rows = await node.scanStateMachine(from, lt, STREAM_PAGE_RECORDS);
    out.push(...resolver.push(rows));
    if (rows.length < STREAM_PAGE_RECORDS) break;
    from = successor(rows[rows.length - 1]![0]);
  }
  out.push(...resolver.finish());
  // A compaction that committed while we read may have removed versions we needed.
  if (revision < node.stateMachine.compactRevision) throw ETCD.compacted;
  return out;
}
