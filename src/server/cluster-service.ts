import type { ClusterHandlers } from '../generated/ordo/v1/Cluster';
import type { RaftNode } from '../raft/node/raft-node';
import type { MemberConfig } from './config';

/** This node's view of itself and of the membership (`ordo status`, `ordo member list`). */
export function clusterHandlers(node: RaftNode, self: MemberConfig, members: readonly MemberConfig[]): ClusterHandlers {
  const addressOf = (id: number) => members.find((m) => m.id === id)?.clientAddress ?? '';
  return {
    Status(call, cb) {
      const s = node.status();
      cb(null, {
        id: s.id,
        address: self.clientAddress,
        role: s.role === 'precandidate' ? 'candidate' : s.role,
        term: s.term,
        leaderId: s.leaderId,
        leaderAddress: addressOf(s.leaderId),
        commitIndex: s.commitIndex,
        appliedIndex: node.stateMachine.appliedIndex,
        lastLogIndex: s.lastLogIndex,
        stateDigest: call.request.withDigest ? node.stateMachine.stateDigest() : '',
        logDigest: call.request.withDigest ? node.committedLogDigest() : '',
      });
    },
    MemberList(_call, cb) {
      cb(null, { members: members.map((m) => ({ id: m.id, clientAddress: m.clientAddress, peerAddress: m.peerAddress, role: 'voter' })) });
    },
    MemberAdd: unimplemented,
    MemberPromote: unimplemented,
    MemberRemove: unimplemented,
  };
}

function unimplemented(_call: unknown, cb: (e: { code: number; details: string }) => void): void {
  cb({ code: 12, details: 'membership changes are not wired yet' });
}
