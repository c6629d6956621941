import type { NodeId } from '../core/types';

/** Errors the node driver hands to the server layer, which maps them to gRPC status codes in one place. */

export class NotLeaderError extends Error {
  constructor(readonly leaderId: NodeId) {
    super(leaderId ? `not the leader; the leader is node ${leaderId}` : 'not the leader; no leader is known yet (election in progress?)');
  }
}

/** The entry was overwritten by a new leader: definitely not applied, safe to retry. */
export class ProposalDroppedError extends Error {
  constructor(index: number, term: number) {
    super(`proposal at index ${index} (term ${term}) was replaced after a leader change; it was not applied`);
  }
}

/**
 * This node stopped leading while the proposal waited: it may or may not commit under the next
 * leader. Retrying with the same session (client id, seq) is safe: the state machine applies it
 * at most once and answers the retry from its session cache.
 */
export class LeadershipLostError extends Error {
  constructor() {
    super('leadership changed while the write was in flight; its outcome is unknown (retry it with the same session)');
  }
}

export class OverloadedError extends Error {}

/** A single command larger than any entry may be: definite, retrying cannot help. */
export class EntryTooLargeError extends OverloadedError {}

export class LeaderTransferError extends Error {}

export class NodeStoppedError extends Error {
  constructor() {
    super('the node is shutting down');
  }
}

/**
 * A membership change the core refused (dissertation 4.1's one-at-a-time rule, or a change that
 * makes no sense for the current configuration); nothing was appended. `code` is the core's.
 */
export class MembershipChangeError extends Error {
  constructor(
    /** The core's refusals, plus the server's: a learner too far behind to promote, a removed id. */
    readonly code: 'config_change_pending' | 'already_member' | 'not_member' | 'not_learner' | 'last_voter' | 'invalid_id' | 'not_caught_up' | 'id_removed',
    message: string,
  ) {
    super(message);
  }
}
