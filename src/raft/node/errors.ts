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

export class OverloadedError extends Error {}

export class LeaderTransferError extends Error {}

export class NodeStoppedError extends Error {
  constructor() {
    super('the node is shutting down');
  }
}
