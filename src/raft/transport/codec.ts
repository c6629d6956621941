import type { MessageType as WireType } from '../../generated/ordo/raft/v1/MessageType';
import type { RaftMessage, RaftMessage__Output } from '../../generated/ordo/raft/v1/RaftMessage';
import type { EntryType as WireEntryType } from '../../generated/ordo/raft/v1/EntryType';
import type { LogEntry, EntryType, Message, MessageType } from '../core/types';

/** Core message types <-> wire enum names (proto/raft.proto). */
const TO_WIRE: Record<MessageType, WireType & string> = {
  PreVote: 'PRE_VOTE',
  PreVoteResp: 'PRE_VOTE_RESP',
  RequestVote: 'REQUEST_VOTE',
  RequestVoteResp: 'REQUEST_VOTE_RESP',
  AppendEntries: 'APPEND_ENTRIES',
  AppendEntriesResp: 'APPEND_ENTRIES_RESP',
  Heartbeat: 'HEARTBEAT',
  HeartbeatResp: 'HEARTBEAT_RESP',
  TimeoutNow: 'TIMEOUT_NOW',
  InstallSnapshot: 'INSTALL_SNAPSHOT',
  InstallSnapshotResp: 'INSTALL_SNAPSHOT_RESP',
};
const FROM_WIRE = new Map(Object.entries(TO_WIRE).map(([k, v]) => [v as string, k as MessageType]));

const ENTRY_TO_WIRE: Record<EntryType, WireEntryType & string> = { normal: 'ENTRY_NORMAL', noop: 'ENTRY_NOOP', config: 'ENTRY_CONFIG' };
const ENTRY_FROM_WIRE = new Map(Object.entries(ENTRY_TO_WIRE).map(([k, v]) => [v as string, k as EntryType]));

export class WireDecodeError extends Error {}

export function encodeMessage(m: Message): RaftMessage {
  const base = { type: TO_WIRE[m.type], from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'PreVote':
      return { ...base, logIndex: m.lastLogIndex, logTerm: m.lastLogTerm };
    case 'RequestVote':
      return { ...base, logIndex: m.lastLogIndex, logTerm: m.lastLogTerm, transfer: m.transfer };
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return { ...base, reject: m.reject };
    case 'AppendEntries':
      return {
        ...base,
        logIndex: m.prevLogIndex,
        logTerm: m.prevLogTerm,
        commit: m.leaderCommit,
        entries: m.entries.map((e) => ({ index: e.index, term: e.term, type: ENTRY_TO_WIRE[e.type], data: e.data })),
      };
    case 'AppendEntriesResp':
      return { ...base, reject: m.reject, logIndex: m.index, conflictTerm: m.conflictTerm, conflictIndex: m.conflictIndex };
    case 'Heartbeat':
      return { ...base, commit: m.commit, readRound: m.readRound };
    case 'HeartbeatResp':
      return { ...base, readRound: m.readRound };
    case 'TimeoutNow':
      return base;
    case 'InstallSnapshot': {
      const { index, term, config } = m.snapshot;
      return { ...base, logIndex: index, logTerm: term, voters: [...config.voters], learners: [...config.learners] };
    }
    case 'InstallSnapshotResp':
      return { ...base, logIndex: m.index };
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

export function decodeMessage(w: RaftMessage__Output): Message {
  const type = FROM_WIRE.get(String(w.type));
  if (!type) throw new WireDecodeError(`unknown raft message type ${String(w.type)}`);
  const base = { from: w.from, to: w.to, term: w.term };
  switch (type) {
    case 'PreVote':
      return { type, ...base, lastLogIndex: w.logIndex, lastLogTerm: w.logTerm };
    case 'RequestVote':
      return { type, ...base, lastLogIndex: w.logIndex, lastLogTerm: w.logTerm, transfer: w.transfer };
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return { type, ...base, reject: w.reject };
    case 'AppendEntries':
      return { type, ...base, prevLogIndex: w.logIndex, prevLogTerm: w.logTerm, leaderCommit: w.commit, entries: w.entries.map(decodeEntry) };
    case 'AppendEntriesResp':
      return { type, ...base, reject: w.reject, index: w.logIndex, conflictTerm: w.conflictTerm, conflictIndex: w.conflictIndex };
    case 'Heartbeat':
      return { type, ...base, commit: w.commit, readRound: w.readRound };
    case 'HeartbeatResp':
      return { type, ...base, readRound: w.readRound };
    case 'TimeoutNow':
      return { type, ...base };
    case 'InstallSnapshot':
      return { type, ...base, snapshot: { index: w.logIndex, term: w.logTerm, config: { voters: w.voters, learners: w.learners } } };
    case 'InstallSnapshotResp':
      return { type, ...base, index: w.logIndex };
  }
}

function decodeEntry(e: RaftMessage__Output['entries'][number]): LogEntry {
  const type = ENTRY_FROM_WIRE.get(String(e.type));
  if (!type) throw new WireDecodeError(`unknown raft entry type ${String(e.type)}`);
  return { index: e.index, term: e.term, type, data: e.data };
}
