import type * as grpc from '@grpc/grpc-js';
import type { RaftNode } from '../raft/node/raft-node';

/** The smallest key after `k`: where the next page of a scan starts. */
export function successor(k: Uint8Array): Uint8Array {
  const out = new Uint8Array(k.length + 1);
  out.set(k);
  return out;
}

/** Records read from LevelDB per page: the most one stream holds in memory at a time. */
export const STREAM_PAGE_RECORDS = 256;

export interface StreamSource<T> {
  /** Throws (mapped by onError) when the stream cannot continue, e.g. its offset was retained away. */
  check(): void;
  /** The key range still to send, from the next position on. */
  range(): { gte: Uint8Array; lt: Uint8Array };
  /** Advances the position past every row of the page; returns a message, or null if none matched. */
  emit(rows: Array<[Uint8Array, Uint8Array]>): T | null;
  onError(e: unknown): Partial<grpc.StatusObject>;
}

/**
 * Serves a server-streaming call from records on disk, then live: one page at a time, and only
 * when the client has drained the previous one (gRPC flow control), so a slow consumer costs a
 * page of memory, never the backlog. Between pages with nothing new it sleeps until the next
 * apply. Shared by Subscribe (topic records) and Watch (the KV change log).
 */
export async function streamFromStore<T>(node: RaftNode, call: grpc.ServerWritableStream<unknown, T>, src: StreamSource<T>): Promise<void> {
  let cancelled = false;
  /** Ends the wait for new records: an apply or the end of the call. */
  let wake: (() => void) | null = null;
  /** Ends the wait for the client to drain: only 'drain' or the end of the call, never an apply. */
  let unblock: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  call.on('cancelled', () => {
    cancelled = true;
    poke();
    unblock?.();
  });
  const unsubscribe = node.onApplied(poke);
  try {
    while (!cancelled) {
      src.check();
      const appliedBefore = node.stateMachine.appliedIndex;
      await node.stateDurable(appliedBefore);
      const { gte, lt } = src.range();
      const rows = await node.scanStateMachine(gte, lt, STREAM_PAGE_RECORDS);
      const msg = rows.length > 0 ? src.emit(rows) : null;
      if (msg !== null) {
        if (!call.write(msg)) {
          // Wait for the client to read (or to go away: cancellation wakes us too).
          await new Promise<void>((resolve) => {
            unblock = resolve;
            call.once('drain', resolve);
          });
          unblock = null;
        }
        continue;
      }
      if (rows.length === STREAM_PAGE_RECORDS) continue; // a full page that matched nothing: read on
      // Caught up: sleep until something new is applied (or the stream ends).
      if (node.stateMachine.appliedIndex === appliedBefore) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 1000).unref(); // belt and braces against a missed wake-up
        });
      }
    }
  } catch (e) {
    // grpc-js sends a status from its 'error' listener; destroy() would end the call without one.
    if (!cancelled) call.emit('error', src.onError(e));
  } finally {
    unsubscribe();
  }
}
