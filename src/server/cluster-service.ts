import type * as grpc from '@grpc/grpc-js';
import type { ClusterHandlers } from '../generated/ordo/v1/Cluster';
import type { Member } from '../generated/ordo/v1/Member';
import type { MemberChangeResponse } from '../generated/ordo/v1/MemberChangeResponse';
import { parseHostPort } from '../host-port';
import type { ConfChange, NodeId } from '../raft/core/types';
import { MembershipChangeError } from '../raft/node/errors';
import type { RaftNode } from '../raft/node/raft-node';
import { encodeMemberAddress } from '../statemachine';
import type { MemberConfig } from './config';
import { DeadlineError, InvalidRequestError, toServiceError } from './grpc-errors';
import type { MemberDirectory } from './member-directory';

/** Without a client deadline, a membership call waits this long (a learner may need a snapshot). */
const DEFAULT_CHANGE_TIMEOUT_MS = 30_000;
/** How far behind the leader's commit index a learner may be and still be promoted (etcd: "in sync"). */
const PROMOTE_LAG_ENTRIES_MAX = 1000;
const POLL_MS = 50;
/** Time kept back from the call's deadline to deliver an answer the client will not retry. */
const ANSWER_MARGIN_MS = 500;
/** Config entries store ids as u32 (src/raft/core/membership.ts). */
const MEMBER_ID_MAX = 0xffff_ffff;

/**
 * This node's view of itself and of the membership (`ordo status`, `ordo member ...`).
 * Changes are single-server (dissertation 4.1, one at a time, enforced by the core) and answered
 * only once the new configuration is committed and applied here; a follower answers UNAVAILABLE
 * naming the leader. Adding a voter is done the safe way round: as a learner first, promoted
 * only once it has caught up, so the cluster never waits on a voter that is still downloading.
 */
export function clusterHandlers(node: RaftNode, self: MemberConfig, directory: MemberDirectory): ClusterHandlers {
  /** Runs a change and answers with the membership after it, or with the error's status. */
  const answer = (cb: grpc.sendUnaryData<MemberChangeResponse>, run: () => Promise<void>) => {
    Promise.resolve().then(run).then(
      () => cb(null, changed()),
      (e: unknown) => cb(toServiceError(e, (id) => directory.clientAddress(id)), null),
    );
  };
  const changed = (): MemberChangeResponse => {
    const s = node.status();
    return { members: listed(node, directory), configIndex: s.configIndex };
  };
  return {
    Status(call, cb) {
      const s = node.status();
      cb(null, {
        id: s.id,
        address: self.clientAddress,
        role: s.role === 'precandidate' ? 'candidate' : s.role,
        term: s.term,
        leaderId: s.leaderId,
        leaderAddress: directory.clientAddress(s.leaderId) ?? '',
        commitIndex: s.commitIndex,
        appliedIndex: node.stateMachine.appliedIndex,
        lastLogIndex: s.lastLogIndex,
        stateDigest: call.request.withDigest ? node.stateMachine.stateDigest() : '',
        logDigest: call.request.withDigest ? node.committedLogDigest() : '',
        firstIndex: s.firstIndex,
        snapshotIndex: s.snapshotIndex,
      });
    },
    MemberList(_call, cb) {
      const s = node.status();
      cb(null, { members: listed(node, directory), leaderId: s.leaderId, configIndex: s.configIndex, commitIndex: s.commitIndex });
    },
    MemberAdd(call, cb) {
      const deadline = deadlineOf(call);
      const r = call.request;
      answer(cb, async () => {
        const id = memberId(r.id);
        const peerAddress = address('peer_address', r.peerAddress, true);
        const clientAddress = address('client_address', r.clientAddress, false);
        if (node.stateMachine.memberRemoved(id)) {
          throw new MembershipChangeError('id_removed', `node ${id} was removed from this cluster and its id cannot be reused (a server that forgot its votes could vote twice in one term); add it under a new id`);
        }
        const clash = directory.list(node.status().config).find((m) => m.peerAddress === peerAddress);
        if (clash && clash.id !== id) throw new InvalidRequestError(`peer_address ${peerAddress} is already node ${clash.id}'s`);
        const added = await change(node, { type: 'addLearner', id }, deadline, encodeMemberAddress({ peerAddress, clientAddress }));
        if (!r.learner) {
          await waitCaughtUp(node, id, added, deadline);
          await change(node, { type: 'promote', id }, deadline);
        }
      });
    },
    MemberPromote(call, cb) {
      const deadline = deadlineOf(call);
      answer(cb, async () => {
        const id = memberId(call.request.id);
        const lag = learnerLag(node, id, 0);
        if (lag !== null && lag > PROMOTE_LAG_ENTRIES_MAX) {
          throw new MembershipChangeError('not_caught_up', `node ${id} has not caught up (${describeLag(lag)}); promote it once it is at most ${PROMOTE_LAG_ENTRIES_MAX} entries behind the leader`);
        }
        await change(node, { type: 'promote', id }, deadline);
      });
    },
    MemberRemove(call, cb) {
      const deadline = deadlineOf(call);
      answer(cb, async () => {
        await change(node, { type: 'removeNode', id: memberId(call.request.id) }, deadline);
      });
    },
  };
}

function listed(node: RaftNode, directory: MemberDirectory): Member[] {
  const s = node.status();
  const match = new Map(s.progress.map((p) => [p.id, p.match]));
  if (s.role === 'leader') match.set(s.id, s.lastLogIndex);
  return directory.list(s.committedConfig).map((m) => ({ ...m, isLeader: m.id === s.leaderId, matchIndex: match.get(m.id) ?? 0 }));
}

/** Proposes one change and waits until it is committed and applied on this node; returns its index. */
async function change(node: RaftNode, ch: ConfChange, deadline: number, context?: Uint8Array): Promise<number> {
  const { index, term } = node.proposeConfChange(ch, context);
  const applied = node.waitEntry(index, term);
  const left = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${ch.type} of node ${ch.id} was proposed at index ${index} but had not committed by the deadline; check \`ordo member list\``)), left);
  });
  try {
    await Promise.race([applied, expired]);
  } finally {
    clearTimeout(timer);
  }
  return index;
}

/**
 * How many entries node `id` is behind the commit index, as this leader knows it: Infinity until
 * the node has answered an append at or past `since` (a node that never answered, or is still
 * receiving a snapshot, is not "0 behind" just because little was written). Null: not the
 * leader, or no such follower.
 */
function learnerLag(node: RaftNode, id: NodeId, since: number): number | null {
  const s = node.status();
  const pr = s.progress.find((p) => p.id === id);
  if (!pr) return null;
  if (pr.state !== 'replicate' || pr.match < since) return Infinity;
  return Math.max(0, s.commitIndex - pr.match);
}

function describeLag(lag: number | null): string {
  if (lag === null) return 'its progress is unknown here';
  return lag === Infinity ? 'it has not answered the leader yet, or is still receiving a snapshot' : `${lag} entries behind`;
}

/**
 * Waits for a learner just added to catch up. Gives up early enough that the definite answer
 * (added, not promoted: FAILED_PRECONDITION) reaches the client before its deadline, rather than
 * a DEADLINE_EXCEEDED it would retry.
 */
async function waitCaughtUp(node: RaftNode, id: NodeId, addedAt: number, deadline: number): Promise<void> {
  const giveUpAt = deadline - ANSWER_MARGIN_MS;
  for (;;) {
    const lag = learnerLag(node, id, addedAt);
    if (lag !== null && lag <= PROMOTE_LAG_ENTRIES_MAX) return;
    if (Date.now() + POLL_MS > giveUpAt) {
      throw new MembershipChangeError('not_caught_up', `node ${id} was added as a learner but has not caught up (${describeLag(lag)}), so it was not promoted; promote it later with \`ordo member promote ${id}\``);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function memberId(raw: number): NodeId {
  if (!Number.isSafeInteger(raw) || raw < 1 || raw > MEMBER_ID_MAX) throw new InvalidRequestError(`id must be 1..${MEMBER_ID_MAX}, got ${raw}`);
  return raw;
}

function address(field: string, raw: string, required: boolean): string {
  if (!raw) {
    if (required) throw new InvalidRequestError(`${field} is required (host:port)`);
    return '';
  }
  if (!parseHostPort(raw).ok) throw new InvalidRequestError(`${field} must be host:port with a port 1..65535, got "${raw}"`);
  return raw;
}

function deadlineOf(call: { getDeadline(): grpc.Deadline }): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : Number(d);
  return Number.isFinite(ms) && ms > 0 ? ms : Date.now() + DEFAULT_CHANGE_TIMEOUT_MS;
}
