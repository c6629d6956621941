import * as grpc from '@grpc/grpc-js';
import { EntryTooLargeError, LeaderTransferError, LeadershipLostError, NodeStoppedError, NotLeaderError, OverloadedError, ProposalDroppedError } from '../../raft/node/errors';
import type { ApplyError } from '../../statemachine';
import { REJECTION_CODES } from '../grpc-errors';
import { NoLeaderError, RequestTimeoutError } from '../forward/forwarder';

/**
 * etcd's client-facing errors: the same gRPC code and the same message text as etcd's
 * rpctypes, because clients match on both (clientv3 turns the text back into typed errors).
 */
export class EtcdError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

const e = (code: grpc.status, message: string) => new EtcdError(code, message);

export const ETCD = {
  emptyKey: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  requestTooLarge: e(grpc.status.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  compacted: e(grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: e(grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: e(grpc.status.NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseTtlTooLarge: e(grpc.status.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  tooManyRequests: e(grpc.status.RESOURCE_EXHAUSTED, 'etcdserver: too many requests'),
  noLeader: e(grpc.status.UNAVAILABLE, 'etcdserver: no leader'),
  leaderChanged: e(grpc.status.UNAVAILABLE, 'etcdserver: leader changed'),
  timeout: e(grpc.status.UNAVAILABLE, 'etcdserver: request timed out'),
  stopped: e(grpc.status.UNAVAILABLE, 'etcdserver: server stopped'),
} as const;

/** An ordo-specific refusal of a request etcd would accept, or of a malformed field. */
export function unsupported(what: string): EtcdError {
  return new EtcdError(grpc.status.INVALID_ARGUMENT, `ordo: ${what}`);
}


/** A state-machine refusal; its reasons for etcd operations are etcd's own messages. */
export function fromApplyError(err: ApplyError): EtcdError {
  switch (err.code) {
    case 'rejected':
      return new EtcdError(REJECTION_CODES[err.status], err.reason);
    case 'invalid_command':
      return new EtcdError(grpc.status.INVALID_ARGUMENT, err.reason);
    case 'decode_error':
      return new EtcdError(grpc.status.INTERNAL, `ordo: command could not be decoded: ${err.reason}`);
    case 'session_seq_stale':
      // Only the forwarder's own sessions reach here; a stale seq means a bug, not bad input.
      return new EtcdError(grpc.status.INTERNAL, `ordo: forwarded session ${err.clientId} went stale`);
  }
}

/** Any error of a handler as the status etcd would send. */
export function toEtcdStatus(err: unknown): Partial<grpc.StatusObject> {
  const known = asEtcdError(err);
  return { code: known.code, details: known.message };
}

function asEtcdError(err: unknown): EtcdError {
  if (err instanceof EtcdError) return err;
  if (err instanceof NoLeaderError || err instanceof NotLeaderError) return ETCD.noLeader;
  if (err instanceof RequestTimeoutError) return ETCD.timeout;
  if (err instanceof LeadershipLostError || err instanceof ProposalDroppedError || err instanceof LeaderTransferError) return ETCD.leaderChanged;
  if (err instanceof NodeStoppedError) return ETCD.stopped;
  if (err instanceof EntryTooLargeError) return ETCD.requestTooLarge;
  if (err instanceof OverloadedError) return ETCD.tooManyRequests;
  const grpcErr = err as Partial<grpc.ServiceError>;
  if (grpcErr.code === grpc.status.RESOURCE_EXHAUSTED) return ETCD.tooManyRequests;
  if (grpcErr.code === grpc.status.INVALID_ARGUMENT) return ETCD.requestTooLarge;
  if (typeof grpcErr.code === 'number') return ETCD.timeout; // the leader's Forward service failed: outcome unknown
  return new EtcdError(grpc.status.INTERNAL, `ordo: ${err instanceof Error ? err.message : String(err)}`);
}
