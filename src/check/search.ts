/**
 * The search of Wing & Gong (1993) with Lowe's memoization (2017), as Knossos and Porcupine do it,
 * for one partition of a history.
 *
 * The calls and returns are nodes of a doubly linked list in time order. Walking from the head, a
 * call node is a candidate to take effect next: if the model accepts it from the current state
 * and the configuration (set of linearized operations, new state) was never reached before, the
 * operation is "lifted" (its call and return nodes are unlinked), the old state pushed on a stack,
 * and the walk restarts at the head. Reaching a return node means its operation should already
 * have taken effect: pop the last choice ("unlift" it, relinking both nodes, which is exact because
 * nodes are relinked in the reverse order of their unlinking) and try the next candidate after it.
 * Operations with unknown outcome return at +Infinity, after every other node; once every
 * operation with a known return is linearized the rest may take effect at the end, or never, and
 * the history is linearizable.
 */

import { Bitset } from './bitset';
import type { Model, Operation } from './model';

export interface SearchLimits {
  /** Absolute deadline on the `nowMs` clock. */
  readonly deadlineMs: number;
  /** Memo entries (configurations) kept before giving up with `memo-limit`. */
  readonly memoEntriesMax: number;
  readonly nowMs: () => number;
}

export type UnknownReason = 'time-limit' | 'memo-limit';

/** A linearized operation (index into the partition's operations) and the state after it. */
export interface PrefixStep<S> {
  readonly index: number;
  readonly stateAfter: S;
}

export type SearchOutcome<S> =
  | { readonly kind: 'linearizable'; readonly order: readonly PrefixStep<S>[]; readonly explored: number }
  | { readonly kind: 'illegal'; readonly longestPrefix: readonly PrefixStep<S>[]; readonly explored: number }
  | {
      readonly kind: 'unknown';
      readonly reason: UnknownReason;
      readonly longestPrefix: readonly PrefixStep<S>[];
      readonly explored: number;
    };

// Globals read once: inside a vm context (jest) every global lookup goes through an interceptor.
const imul = Math.imul;
const isArray = Array.isArray;

const NIL = -1;
const HEAD = 0;
/** Iterations between two looks at the clock. */
const CLOCK_EVERY = 256;

/** The event list: node 0 is the head sentinel, nodes 1..2n are calls and returns. */
interface EventList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Operation index of each node. */
  readonly opOf: Int32Array;
  /** For a call node, its return node; NIL for a return node. */
  readonly match: Int32Array;
}

function buildEventList<I, O>(ops: readonly Operation<I, O>[]): EventList {
  const n = ops.length;
  const order: { time: number; isCall: boolean; op: number }[] = [];
  ops.forEach((op, i) => {
    if (!(op.call <= op.ret) || Number.isNaN(op.call) || op.call === Infinity) {
      throw new RangeError(`operation ${op.id}: call ${op.call} must be finite and not after return ${op.ret}`);
    }
    order.push({ time: op.call, isCall: true, op: i }, { time: op.ret, isCall: false, op: i });
  });
  // Time order; at equal times calls first (the operations overlap), then by operation index.
  order.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1) || a.op - b.op);
  const size = 2 * n + 1;
  const list: EventList = {
    next: new Int32Array(size),
    prev: new Int32Array(size),
    opOf: new Int32Array(size).fill(NIL),
    match: new Int32Array(size).fill(NIL),
  };
  const callNode = new Int32Array(n);
  order.forEach((e, k) => {
    const node = k + 1;
    list.opOf[node] = e.op;
    if (e.isCall) callNode[e.op] = node;
    else list.match[callNode[e.op]] = node;
  });
  for (let node = 0; node < size; node++) {
    list.next[node] = node + 1 < size ? node + 1 : NIL;
    list.prev[node] = node - 1;
  }
  return list;
}

function unlinkNode(l: EventList, node: number): void {
  l.next[l.prev[node]] = l.next[node];
  if (l.next[node] !== NIL) l.prev[l.next[node]] = l.prev[node];
}

function relinkNode(l: EventList, node: number): void {
  l.next[l.prev[node]] = node;
  if (l.next[node] !== NIL) l.prev[l.next[node]] = node;
}

function lift(l: EventList, call: number): void {
  unlinkNode(l, call);
  unlinkNode(l, l.match[call]);
}

function unlift(l: EventList, call: number): void {
  relinkNode(l, l.match[call]);
  relinkNode(l, call);
}

/** FNV-1a, 32 bits. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Deterministic per-operation random words (splitmix32) for Zobrist hashing of the bitset. */
function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}

interface MemoEntry<S> {
  readonly words: Uint32Array;
  readonly state: S;
}

/**
 * Configurations already reached: (linearized set, state). Keyed by a 30-bit mix of the set's
 * Zobrist hash and the state's hash; entries in a bucket are compared exactly (set words and
 * `model.equal`), so hash collisions cost time, never soundness.
 */
class Memo<S> {
  private readonly buckets = new Map<number, MemoEntry<S> | MemoEntry<S>[]>();
  size = 0;

  constructor(private readonly equal: (a: S, b: S) => boolean) {}

  /** Adds the configuration; false if it was already there. */
  add(setHash: number, set: Bitset, stateHash: number, state: S): boolean {
    const key = (setHash ^ imul(stateHash, 0x9e3779b1)) & 0x3fffffff;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, { words: set.snapshot(), state });
    } else if (isArray(bucket)) {
      for (const e of bucket) if (set.sameAs(e.words) && this.equal(e.state, state)) return false;
      bucket.push({ words: set.snapshot(), state });
    } else {
      if (set.sameAs(bucket.words) && this.equal(bucket.state, state)) return false;
      this.buckets.set(key, [bucket, { words: set.snapshot(), state }]);
    }
    this.size += 1;
    return true;
  }
}

/** The set of linearized operations, with its Zobrist hash, and the memo of configurations. */
class Configurations<S> {
  private readonly set: Bitset;
  private readonly zobrist: Int32Array;
  private setHash = 0;
  private readonly memo: Memo<S>;

  constructor(
    opCount: number,
    private readonly hash: (state: S) => string,
    equal: (a: S, b: S) => boolean,
  ) {
    this.set = new Bitset(opCount);
    this.zobrist = zobristKeys(opCount);
    this.memo = new Memo<S>(equal);
  }

  get size(): number {
    return this.memo.size;
  }

  /** Linearizes `op` reaching `state` if that configuration is new; false (and no change) if not. */
  enter(op: number, state: S): boolean {
    this.set.set(op);
    if (!this.memo.add(this.setHash ^ this.zobrist[op], this.set, hashString(this.hash(state)), state)) {
      this.set.clear(op);
      return false;
    }
    this.setHash ^= this.zobrist[op];
    return true;
  }

  leave(op: number): void {
    this.set.clear(op);
    this.setHash ^= this.zobrist[op];
  }
}

/** The choices made so far: call nodes, and the states before and after each. */
class Trail<S> {
  depth = 0;
  private readonly calls: Int32Array;
  private readonly before: S[] = [];
  private readonly after: S[] = [];

  constructor(opCount: number) {
    this.calls = new Int32Array(opCount);
  }

  push(call: number, before: S, after: S): void {
    this.calls[this.depth] = call;
    this.before[this.depth] = before;
    this.after[this.depth] = after;
    this.depth += 1;
  }

  /** Pops the last choice: its call node and the state before it. */
  pop(): { readonly call: number; readonly before: S } {
    this.depth -= 1;
    return { call: this.calls[this.depth], before: this.before[this.depth] };
  }

  prefix(list: EventList): PrefixStep<S>[] {
    const out: PrefixStep<S>[] = [];
    for (let i = 0; i < this.depth; i++) out.push({ index: list.opOf[this.calls[i]], stateAfter: this.after[i] });
    return out;
  }
}

/** Checks one partition from `model.init()`. Pure apart from reading the clock. */
export function searchPartition<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  limits: SearchLimits,
): SearchOutcome<S> {
  const list = buildEventList(ops);
  /** 1 when the operation's return is known (finite). */
  const knownRet = Uint8Array.from(ops, (op) => (op.ret === Infinity ? 0 : 1));
  let finiteLeft = knownRet.reduce((a, b) => a + b, 0);
  if (finiteLeft === 0) return { kind: 'linearizable', order: [], explored: 0 };
  const seen = new Configurations<S>(ops.length, (x) => model.hash(x), (a, b) => model.equal(a, b));
  const trail = new Trail<S>(ops.length);
  let longest: PrefixStep<S>[] = [];
  let state = model.init();
  let node = list.next[HEAD];
  let explored = 0;

  for (;;) {
    explored += 1;
    if (explored % CLOCK_EVERY === 0 && limits.nowMs() > limits.deadlineMs) {
      return { kind: 'unknown', reason: 'time-limit', longestPrefix: longest, explored };
    }
    if (node === NIL) throw new Error('searchPartition: walked past the last return node');
    const op = list.opOf[node];
    if (list.match[node] !== NIL) {
      // A call: linearize its operation next if the model accepts it and that is new ground.
      const res = model.step(state, ops[op].input, ops[op].output);
      if (!res.ok || !seen.enter(op, res.state)) {
        node = list.next[node];
        continue;
      }
      if (seen.size > limits.memoEntriesMax) return { kind: 'unknown', reason: 'memo-limit', longestPrefix: longest, explored };
      trail.push(node, state, res.state);
      if (trail.depth > longest.length) longest = trail.prefix(list);
      state = res.state;
      lift(list, node);
      if (knownRet[op] === 1 && --finiteLeft === 0) return { kind: 'linearizable', order: trail.prefix(list), explored };
      node = list.next[HEAD];
      continue;
    }
    // A return whose operation has not taken effect: undo the last choice.
    if (trail.depth === 0) return { kind: 'illegal', longestPrefix: longest, explored };
    const last = trail.pop();
    const undone = list.opOf[last.call];
    state = last.before;
    seen.leave(undone);
    unlift(list, last.call);
    finiteLeft += knownRet[undone];
    node = list.next[last.call];
  }
}
