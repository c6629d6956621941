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
  constructor(
    private readonly node: RaftNode,
    private readonly bootstrap: readonly MemberConfig[],
  ) {}

  get(id: NodeId): MemberConfig | undefined {
    const added = this.node.stateMachine.memberAddress(id);
    if (added) return { id, ...added };
    return this.bootstrap.find((m) => m.id === id);
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

  isMember(id: NodeId): boolean {
    return isMember(this.node.status().config, id);
  }
}
