import type { MessageType as WireType } from '../../generated/ordo/raft/v1/MessageType';
import type { RaftMessage, RaftMessage__Output } from '../../generated/ordo/raft/v1/RaftMessage';
import type { Entry, Message, MessageType } from '../core/types';

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
};
const FROM_WIRE = new Map(Object.entries(TO_WIRE).map(([k, v]) => [v as string, k as MessageType]));

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
        entries: m.entries.map((e) => ({ index: e.index, term: e.term, type: e.type === 'noop' ? 'ENTRY_NOOP' : 'ENTRY_NORMAL', data: e.data })),
      };
    case 'AppendEntriesResp':
      return { ...base, reject: m.reject, logIndex: m.index, conflictTerm: m.conflictTerm, conflictIndex: m.conflictIndex };
    case 'Heartbeat':
      return { ...base, commit: m.commit, readRound: m.readRound };
    case 'HeartbeatResp':
      return { ...base, readRound: m.readRound };
    case 'TimeoutNow':
      return base;
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
  }
}

function decodeEntry(e: RaftMessage__Output['entries'][number]): Entry {
  return { index: e.index, term: e.term, type: e.type === 'ENTRY_NOOP' ? 'noop' : 'normal', data: e.data };
}
