import * as grpc from '@grpc/grpc-js';
import { LeaderTransferError, LeadershipLostError, MembershipChangeError, NodeStoppedError, NotLeaderError, OverloadedError, ProposalDroppedError } from '../raft/node/errors';
import type { ApplyError } from '../statemachine';

/** Metadata keys a client library reads to follow the leader. */
export const LEADER_ID_KEY = 'ordo-leader-id';
export const LEADER_ADDRESS_KEY = 'ordo-leader-address';

/** A request the server refuses before it reaches Raft; `field` and the limit appear in the message. */
export class InvalidRequestError extends Error {}

/** The state machine's definite refusals (unknown topic, backwards commit, ...) as statuses. */
export const REJECTION_CODES = {
  not_found: grpc.status.NOT_FOUND,
  failed_precondition: grpc.status.FAILED_PRECONDITION,
  already_exists: grpc.status.ALREADY_EXISTS,
  out_of_range: grpc.status.OUT_OF_RANGE,
  resource_exhausted: grpc.status.RESOURCE_EXHAUSTED,
  invalid_argument: grpc.status.INVALID_ARGUMENT,
} as const;

const MEMBERSHIP_CODES: Record<MembershipChangeError['code'], grpc.status> = {
  already_member: grpc.status.ALREADY_EXISTS,
  not_member: grpc.status.NOT_FOUND,
  invalid_id: grpc.status.INVALID_ARGUMENT,
  config_change_pending: grpc.status.FAILED_PRECONDITION,
  not_learner: grpc.status.FAILED_PRECONDITION,
  last_voter: grpc.status.FAILED_PRECONDITION,
  not_caught_up: grpc.status.FAILED_PRECONDITION,
  id_removed: grpc.status.FAILED_PRECONDITION,
};

/** The call's deadline passed while the server waited; `message` says what is known of the outcome. */
export class DeadlineError extends Error {}

export type AddressOf = (id: number) => string | undefined;

/** The one place where errors become gRPC statuses (STYLE.md: typed errors, mapped once). */
export function toServiceError(e: unknown, addressOf: AddressOf): Partial<grpc.StatusObject> {
  if (e instanceof NotLeaderError) {
    const metadata = new grpc.Metadata();
    const address = e.leaderId ? addressOf(e.leaderId) : undefined;
    if (e.leaderId) metadata.set(LEADER_ID_KEY, String(e.leaderId));
    if (address) metadata.set(LEADER_ADDRESS_KEY, address);
    const details = address ? `${e.message} at ${address}` : e.message;
    return { code: grpc.status.UNAVAILABLE, details, metadata };
  }
  if (e instanceof InvalidRequestError) return { code: grpc.status.INVALID_ARGUMENT, details: e.message };
  if (e instanceof MembershipChangeError) return { code: MEMBERSHIP_CODES[e.code], details: e.message };
  if (e instanceof DeadlineError) return { code: grpc.status.DEADLINE_EXCEEDED, details: e.message };
  if (e instanceof OverloadedError) return { code: grpc.status.RESOURCE_EXHAUSTED, details: e.message };
  if (e instanceof ProposalDroppedError || e instanceof LeadershipLostError || e instanceof LeaderTransferError || e instanceof NodeStoppedError) {
    return { code: grpc.status.UNAVAILABLE, details: e.message };
  }
  return { code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) };
}

export function applyErrorToStatus(e: ApplyError): Partial<grpc.StatusObject> {
  switch (e.code) {
    case 'invalid_command':
      return { code: grpc.status.INVALID_ARGUMENT, details: e.reason };
    case 'session_seq_stale':
      return { code: grpc.status.FAILED_PRECONDITION, details: `session ${e.clientId}: seq ${e.seq} is older than the last applied seq ${e.lastSeq}` };
    case 'decode_error':
      return { code: grpc.status.INTERNAL, details: `command could not be decoded: ${e.reason}` };
    case 'rejected':
      return { code: REJECTION_CODES[e.status], details: e.reason };
  }
}
