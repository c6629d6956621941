import * as grpc from '@grpc/grpc-js';
import { OrdoError } from '../../client/client';
import { EtcdClientError } from '../../etcd-client';

/**
 * How a failed call is recorded. A write that reached a leader may still commit after the client
 * gave up, and the client retries with the same session, so an earlier attempt may have landed
 * even when the last one was refused (overloaded, stale seq): only a malformed request is a
 * definite "did not happen".
 */
const DEFINITE_REFUSALS = new Set([grpc.status.INVALID_ARGUMENT]);

/**
 * The etcd API has no client sessions and EtcdClient never resends a write that reached a
 * server, so each call is one attempt: it did not happen when etcd refused it outright
 * (INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE, FAILED_PRECONDITION) or when it was never sent
 * (no endpoint could be connected to); after any other failure ("no leader", "request timed
 * out", "leader changed", a timeout, a dropped connection) it may still commit.
 */
export function writeFailure(e: unknown): 'fail' | 'info' {
  if (e instanceof EtcdClientError) return e.definite ? 'fail' : 'info';
  return e instanceof OrdoError && DEFINITE_REFUSALS.has(e.code) ? 'fail' : 'info';
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 120) : String(e);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
