/**
 * Reading and compacting the KV history (the lazy 'h' records, log-records.ts) as scanned from
 * storage: pure functions over [key, value] pairs in key order, the way
 * LogStore.scanStateMachine returns them, page after page.
 *
 *  - HistoryResolver: the KeyValue live at a revision for each key of a range (etcd's Range with
 *    `revision`), page by page without holding more than one key's versions.
 *  - HistoryCompactor / historyGarbage: which history records a compaction makes unreachable.
 *
 * Neither checks the compact revision: a reader must refuse a revision below
 * StateMachine.compactRevision itself (etcd's ErrCompacted), since records below it may be gone.
 */

import { compareBytes } from './bytes';
import { decodeChangeRecord, isDeleteChange, splitHistoryRecordKey } from './log-records';
import { RecordDecodeError } from './record-error';
import type { KeyValue } from './results';

/** Why a pushed history key cannot be used; throws RecordDecodeError. */
function splitOrThrow(key: Uint8Array): { group: Uint8Array; revision: number } {
  const split = splitHistoryRecordKey(key);
  if (split === null) throw new RecordDecodeError(`not a history record key (length ${key.length})`);
  return split;
}

/**
 * Tracks the history records pushed so far: they must come in strictly increasing key order,
 * which is (key, revision) order. Reports whether a record starts a new key group.
 */
class GroupTracker {
  private group: Uint8Array | null = null;
  private revision = 0;

  /** True when the record begins a key group (the first one included). */
  next(key: Uint8Array): { newGroup: boolean; revision: number } {
    const split = splitOrThrow(key);
    const cmp = this.group === null ? 1 : compareBytes(split.group, this.group);
    if (cmp < 0 || (cmp === 0 && split.revision <= this.revision)) {
      throw new RangeError('history records must be pushed in increasing key order, each once');
    }
    if (cmp > 0) this.group = Uint8Array.from(split.group); // a copy: the caller may reuse its page
    this.revision = split.revision;
    return { newGroup: cmp > 0, revision: split.revision };
  }
}

/**
 * The KeyValue of each key live at `atRevision`: its latest version with revision <= atRevision,
 * when that version is a put (a key whose latest such version is a delete, or that has none, is
 * absent). Push the records of historyRange(...) in key order, in pages of any size: each push
 * returns the pairs of the keys it completed, in key order; the last key of a page stays open
 * until a later page shows another key or finish() closes it.
 */
export class HistoryResolver {
  private readonly tracker = new GroupTracker();
  /** Value of the current key's latest version at or below atRevision (null: none yet). */
  private candidate: Uint8Array | null = null;
  private finished = false;

  constructor(readonly atRevision: number) {
    if (!Number.isSafeInteger(atRevision) || atRevision < 0) throw new RangeError(`HistoryResolver: bad revision ${atRevision}`);
  }

  /** Throws RecordDecodeError on a malformed record, RangeError on records out of order. */
  push(records: Iterable<readonly [Uint8Array, Uint8Array]>): KeyValue[] {
    if (this.finished) throw new RangeError('HistoryResolver: push after finish');
    const out: KeyValue[] = [];
    for (const [key, value] of records) {
      const { newGroup, revision } = this.tracker.next(key);
      if (newGroup) this.close(out);
      if (revision <= this.atRevision) this.candidate = value;
    }
    return out;
  }

  /** The last key's pair, if it is live; no push after it. */
  finish(): KeyValue[] {
    const out: KeyValue[] = [];
    if (!this.finished) this.close(out);
    this.finished = true;
    return out;
  }

  private close(out: KeyValue[]): void {
    const value = this.candidate;
    this.candidate = null;
    if (value === null) return;
    const change = decodeChangeRecord(value);
    if (change.kind === 'delete') return;
    out.push({
      key: change.key,
      value: change.value ?? new Uint8Array(0),
      createRevision: change.createRevision,
      modRevision: change.modRevision,
      version: change.version,
      lease: change.lease,
    });
  }
}

/** Every pair live at `atRevision` among `records` (history records in key order, all of them). */
export function resolveHistory(records: Iterable<readonly [Uint8Array, Uint8Array]>, atRevision: number): KeyValue[] {
  const resolver = new HistoryResolver(atRevision);
  return [...resolver.push(records), ...resolver.finish()];
}

/**
 * The history records a compaction at `compactRevision` makes unreachable, streamed: for each
 * key, every version with a revision below compactRevision except the latest version at or below
 * it when that one is a put (a delete at or below compactRevision goes too, with everything
 * before it). Removing exactly these leaves every read at a revision >= compactRevision as it
 * was. Push history records in key order, pages of any size; each push returns the keys (history
 * record keys) found to be garbage so far; finish() returns the rest.
 */
export class HistoryCompactor {
  private readonly tracker = new GroupTracker();
  /** Key of the current group's latest put at or below compactRevision, not yet superseded. */
  private keptPut: Uint8Array | null = null;
  private finished = false;

  constructor(readonly compactRevision: number) {
    if (!Number.isSafeInteger(compactRevision) || compactRevision < 0) throw new RangeError(`HistoryCompactor: bad revision ${compactRevision}`);
  }

  /** Throws RecordDecodeError on a malformed record, RangeError on records out of order. */
  push(records: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array[] {
    if (this.finished) throw new RangeError('HistoryCompactor: push after finish');
    const garbage: Uint8Array[] = [];
    for (const [key, value] of records) {
      const { newGroup, revision } = this.tracker.next(key);
      if (newGroup) this.keptPut = null; // the previous key's last put <= compactRevision stays
      if (revision > this.compactRevision) continue;
      // A newer version at or below compactRevision: the one it supersedes is unreachable.
      if (this.keptPut !== null) garbage.push(this.keptPut);
      this.keptPut = null;
      if (isDeleteChange(value)) garbage.push(Uint8Array.from(key));
      else this.keptPut = Uint8Array.from(key);
    }
    return garbage;
  }

  /** Nothing is left to report: a key's last put at or below compactRevision always stays. */
  finish(): Uint8Array[] {
    this.finished = true;
    this.keptPut = null;
    return [];
  }
}

/** The history record keys a compaction at `compactRevision` makes unreachable (records in key order, all of them). */
export function historyGarbage(records: Iterable<readonly [Uint8Array, Uint8Array]>, compactRevision: number): Uint8Array[] {
  const compactor = new HistoryCompactor(compactRevision);
  return [...compactor.push(records), ...compactor.finish()];
}
