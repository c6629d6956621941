import type * as grpc from '@grpc/grpc-js';
import type { WatchHandlers } from '../../generated/etcd/etcdserverpb/Watch';
import type { WatchCreateRequest__Output } from '../../generated/etcd/etcdserverpb/WatchCreateRequest';
import type { WatchRequest__Output } from '../../generated/etcd/etcdserverpb/WatchRequest';
import type { WatchResponse } from '../../generated/etcd/etcdserverpb/WatchResponse';
import type { Event } from '../../generated/etcd/mvccpb/Event';
import { changeRecordRange, decodeChangeRecord, previousVersionRange, rangeContains, type KeyValue, type KvChange } from '../../statemachine';
import { compareBytes } from '../../statemachine/bytes';
import { type EtcdContext, header } from './context';
import { toWireKv } from './convert';
import { toEtcdStatus } from './errors';
import { STREAM_PAGE_RECORDS } from '../record-stream';
import { int64 } from './wire';

type WatchCall = grpc.ServerDuplexStream<WatchRequest__Output, WatchResponse>;

/** How long a caught-up watcher with progress_notify waits before reporting progress (etcd: 10 min). */
export const DEFAULT_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;

/**
 * etcd's Watch: one bidirectional stream carries many watchers. Each watcher reads the KV change
 * log from its revision on, in revision order, one page at a time (never splitting a revision
 * across responses), then waits for new applies; so events have no gap and no duplicate, and a
 * slow client holds a page of memory per watcher, not a backlog. Served from this member's
 * applied state, as etcd serves watches from any member.
 */
export function etcdWatchHandlers(ctx: EtcdContext, progressNotifyMs = DEFAULT_PROGRESS_NOTIFY_MS): WatchHandlers {
  return {
    Watch(call: WatchCall) {
      new WatchStream(ctx, call, progressNotifyMs).start();
    },
  };
}

interface Watcher {
  readonly id: number;
  readonly key: Uint8Array;
  readonly rangeEnd: Uint8Array | undefined;
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly progressNotify: boolean;
  /** The next revision to deliver. */
  next: number;
  cancelled: boolean;
  wake: (() => void) | null;
}

class WatchStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  private closed = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly ctx: EtcdContext,
    private readonly call: WatchCall,
    private readonly progressNotifyMs: number,
  ) {}

  start(): void {
    this.unsubscribe = this.ctx.node.onApplied(() => {
      for (const w of this.watchers.values()) this.poke(w);
    });
    this.call.on('data', (req: WatchRequest__Output) => this.onRequest(req));
    this.call.on('end', () => this.close(true));
    this.call.on('cancelled', () => this.close(false));
    this.call.on('error', () => this.close(false));
  }

  private onRequest(req: WatchRequest__Output): void {
    if (this.closed) return;
    if (req.create_request) this.create(req.create_request);
    else if (req.cancel_request) this.cancel(int64('watch_id', req.cancel_request.watch_id));
    else if (req.progress_request) this.progress();
  }

  private create(req: WatchCreateRequest__Output): void {
    const sm = this.ctx.node.stateMachine;
    // etcd: a range_end of "\0" watches every key >= key; an empty one, the single key.
    const rangeEnd = req.range_end.length > 0 ? req.range_end : undefined;
    const fromKey = rangeEnd !== undefined && rangeEnd.length === 1 && rangeEnd[0] === 0;
    const fail = (reason: string) => void this.send({ header: header(this.ctx), watch_id: -1, created: true, canceled: true, cancel_reason: reason });
    if (rangeEnd !== undefined && !fromKey && compareBytes(req.key, rangeEnd) >= 0) return fail('mvcc: watcher range is empty');
    let id = int64('watch_id', req.watch_id);
    if (id !== 0 && this.watchers.has(id)) return fail('mvcc: duplicate watch ID provided on the WatchStream');
    if (id === 0) {
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    const start = int64('start_revision', req.start_revision);
    const w: Watcher = {
      id,
      key: req.key,
      rangeEnd,
      prevKv: req.prev_kv,
      noPut: req.filters.includes('NOPUT'),
      noDelete: req.filters.includes('NODELETE'),
      progressNotify: req.progress_notify,
      next: start > 0 ? start : sm.revision + 1,
      cancelled: false,
      wake: null,
    };
    this.watchers.set(id, w);
    void this.send({ header: header(this.ctx), watch_id: id, created: true }).then(() => this.run(w));
  }

  private cancel(id: number): void {
    const w = this.watchers.get(id);
    if (!w) return; // etcd ignores a cancel of an unknown watch
    this.stop(w);
    void this.send({ header: header(this.ctx), watch_id: id, canceled: true });
  }

  /** etcd's progress request: reports the revision every watcher has caught up to, if they all have. */
  private progress(): void {
    const sm = this.ctx.node.stateMachine;
    const caughtUp = [...this.watchers.values()].every((w) => w.next > sm.revision);
    if (caughtUp) void this.send({ header: header(this.ctx), watch_id: -1 });
  }

  private async run(w: Watcher): Promise<void> {
    const { node } = this.ctx;
    let idleSince = Date.now();
    try {
      while (!w.cancelled && !this.closed) {
        const sm = node.stateMachine;
        if (w.next < sm.compactRevision) return this.compacted(w);
        const before = w.next;
        if (w.next <= sm.revision) {
          const events = await this.readPage(w);
          if (w.next < sm.compactRevision) return this.compacted(w); // compacted while we read
          if (events.length > 0) {
            await this.send({ header: header(this.ctx), watch_id: w.id, events });
            idleSince = Date.now();
          }
          if (w.next !== before) continue;
        }
        const waitMs = w.progressNotify ? Math.max(0, idleSince + this.progressNotifyMs - Date.now()) : 1000;
        await new Promise<void>((resolve) => {
          w.wake = resolve;
          setTimeout(resolve, Math.min(waitMs, 1000)).unref(); // belt and braces against a missed wake-up
        });
        w.wake = null;
        if (w.progressNotify && Date.now() - idleSince >= this.progressNotifyMs && w.next > node.stateMachine.revision) {
          await this.send({ header: header(this.ctx, w.next - 1), watch_id: w.id });
          idleSince = Date.now();
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** The events of the next page of changes, advancing w.next past whole revisions only. */
  private async readPage(w: Watcher): Promise<Event[]> {
    const { node } = this.ctx;
    await node.stateDurable(node.stateMachine.appliedIndex);
    const range = changeRecordRange(w.next);
    let changes = (await node.scanStateMachine(range.gte, range.lt, STREAM_PAGE_RECORDS)).map(([, v]) => decodeChangeRecord(v));
    if (changes.length === STREAM_PAGE_RECORDS) {
      const last = changes[changes.length - 1]!.revision;
      if (changes[0]!.revision === last) {
        // One revision larger than a page (a big delete or txn): read all of it.
        const whole = changeRecordRange(last);
        const upTo = changeRecordRange(last + 1);
        changes = (await node.scanStateMachine(whole.gte, upTo.gte, 1_000_000)).map(([, v]) => decodeChangeRecord(v));
      } else {
        changes = changes.filter((c) => c.revision !== last); // the rest of it comes next page
      }
    }
    if (changes.length === 0) return [];
    w.next = changes[changes.length - 1]!.revision + 1;
    const events: Event[] = [];
    for (const c of changes) {
      if (!rangeContains(w.key, w.rangeEnd, c.key)) continue;
      if (c.kind === 'put' ? w.noPut : w.noDelete) continue;
      const prev = w.prevKv ? await this.previous(c) : undefined;
      events.push(toEvent(c, prev));
    }
    return events;
  }

  /** The key's version just before the change (etcd's prev_kv), from the history records. */
  private async previous(c: KvChange): Promise<KvChange | undefined> {
    const range = previousVersionRange(c.key, c.revision);
    const rows = await this.ctx.node.scanStateMachine(range.gte, range.lt, 1, true);
    if (rows.length === 0) return undefined;
    const prev = decodeChangeRecord(rows[0]![1]);
    return prev.kind === 'put' ? prev : undefined;
  }

  private compacted(w: Watcher): Promise<void> {
    this.stop(w);
    const sm = this.ctx.node.stateMachine;
    return this.send({ header: header(this.ctx), watch_id: w.id, canceled: true, compact_revision: sm.compactRevision });
  }

  /** Writes one response, waiting while the client has not drained the previous ones. */
  private async send(res: WatchResponse): Promise<void> {
    if (this.closed) return;
    if (this.call.write(res)) return;
    await new Promise<void>((resolve) => {
      this.call.once('drain', resolve);
      this.call.once('cancelled', resolve);
    });
  }

  private poke(w: Watcher): void {
    const wake = w.wake;
    w.wake = null;
    wake?.();
  }

  private stop(w: Watcher): void {
    w.cancelled = true;
    this.watchers.delete(w.id);
    this.poke(w);
  }

  private fail(e: unknown): void {
    if (this.closed) return;
    this.close(false);
    this.call.emit('error', toEtcdStatus(e));
  }

  private close(endStream: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const w of [...this.watchers.values()]) this.stop(w);
    if (endStream) this.call.end();
  }
}

function toEvent(c: KvChange, prev: KvChange | undefined): Event {
  const event: Event = { type: c.kind === 'put' ? 'PUT' : 'DELETE', kv: toWireKv(kvOf(c)) };
  if (prev) event.prev_kv = toWireKv(kvOf(prev));
  return event;
}

/** The pair a change left behind (a delete: the key with etcd's tombstone numbers). */
function kvOf(c: KvChange): KeyValue {
  return { key: c.key, value: c.value ?? new Uint8Array(0), createRevision: c.createRevision, modRevision: c.modRevision, version: c.version, lease: c.lease };
}
