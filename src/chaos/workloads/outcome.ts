import * as grpc from '@grpc/grpc-js';
import { OrdoError } from '../../client/client';

/**
 * How a failed call is recorded. A write that reached a leader may still commit after the client
 * gave up, and the client retries with the same session, so an earlier attempt may have landed
 * even when the last one was refused (overloaded, stale seq): only a malformed request is a
 * definite "did not happen".
 */
const DEFINITE_REFUSALS = new Set([grpc.status.INVALID_ARGUMENT]);

export function writeFailure(e: unknown): 'fail' | 'info' {
  return e instanceof OrdoError && DEFINITE_REFUSALS.has(e.code) ? 'fail' : 'info';
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 120) : String(e);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
