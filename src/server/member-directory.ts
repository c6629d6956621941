import { isMember } from '../raft/core/membership';
import type { MembershipConfig, NodeId } from '../raft/core/types';
import type { RaftNode } from '../raft/node/raft-node';
import type { MemberConfig } from './config';

export interface ListedMember extends MemberConfig {
  readonly role: 'voter' | 'learner';
}

/**
 * Where each member lives. Members added at runtime carry their addresses in their config entry,
 * which the state machine keeps (replicated, in snapshots too), so every node, including one
 * that joined later, finds them; the bootstrap members come from --members. The state machine's
 * record wins: a re-added id may have moved.
 */
export class MemberDirectory {
  /** Addresses peers told us they have (MessageBatch.from_address): the last resort. */
  private readonly heard = new Map<NodeId, string>();

  constructor(
    private readonly node: RaftNode,
    private readonly bootstrap: readonly MemberConfig[],
  ) {}

  get(id: NodeId): MemberConfig | undefined {
    const added = this.node.stateMachine.memberAddress(id);
    if (added) return { id, ...added };
    const configured = this.bootstrap.find((m) => m.id === id);
    if (configured) return configured;
    const heard = this.heard.get(id);
    return heard ? { id, clientAddress: '', peerAddress: heard } : undefined;
  }

  /**
   * A peer's own word for its address. Used only for ids nothing else names: a node that joined
   * must answer a leader that was itself added at runtime before the entry naming that leader
   * reaches it (and it cannot reach it without answering).
   */
  hear(id: NodeId, peerAddress: string): void {
    if (this.heard.get(id) !== peerAddress) this.heard.set(id, peerAddress);
  }

  clientAddress(id: NodeId): string | undefined {
    return this.get(id)?.clientAddress || undefined;
  }

  peerAddress(id: NodeId): string | undefined {
    return this.get(id)?.peerAddress || undefined;
  }

  /** Every member of `config` (voters first, by id), with the addresses known for it. */
  list(config: MembershipConfig): ListedMember[] {
    const entry = (id: NodeId, role: ListedMember['role']): ListedMember => ({ id, clientAddress: '', peerAddress: '', ...this.get(id), role });
    return [...config.voters.map((id) => entry(id, 'voter')), ...config.learners.map((id) => entry(id, 'learner'))];
  }

  /** A member of this node's configuration, or a peer that spoke to us (perhaps ahead of our log). */
  isPeer(id: NodeId): boolean {
    return isMember(this.node.status().config, id) || this.heard.has(id);
  }
}
