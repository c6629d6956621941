/** Public face of the state machine package: what the server, storage and simulator import. */

export { StateMachine, type ResidentCounts } from './state-machine';
export {
  casOp,
  compactOp,
  deleteOp,
  deleteRangeOp,
  leaseGrantOp,
  leaseRevokeOp,
  MAX_LEASE_TTL_SECONDS,
  putOp,
  rangeOp,
  recordBytes,
  RECORD_OVERHEAD_BYTES,
  type AppendOp,
  type AppendRecord,
  type Command,
  type CommitOffsetOp,
  type CompactOp,
  type Compare,
  type CompareNumberTarget,
  type CompareResult,
  type CompareTarget,
  type CreateTopicOp,
  type DeleteOp,
  type KvOp,
  type LeaseGrantOp,
  type LeaseOp,
  type LeaseRevokeOp,
  type Op,
  type PutOp,
  type PutOptions,
  type RangeOp,
  type Session,
  type TopicOp,
  type TopicPolicy,
  type TxnOp,
  type TxnRequestOp,
} from './command';
export { COMMAND_FORMAT_VERSION, CommandDecodeError, decodeCommand, encodeCommand } from './command-codec';
export { defaultStateMachineConfig, StateMachineConfigError, type StateMachineConfig } from './config';
export { prefixEnd, RANGE_END_ALL, rangeContains } from './key-range';
export { groupNameProblem, TOPIC_NAME_CHARS_MAX, topicNameProblem, validateCommand, validateRangeOp } from './validate';
export { Fnv1a64 } from './digest';
export { decodeMemberAddress, encodeMemberAddress, MemberAddressDecodeError, type MemberAddress, type MemberInfo } from './members';
export type { StateMutations } from './mutations';
export { RecordDecodeError } from './record-error';
export {
  CHANGE_RECORD_PREFIX,
  changeRecordRange,
  changeRecordsBelow,
  decodeChangeRecord,
  decodeTopicRecord,
  HISTORY_RECORD_PREFIX,
  historyRange,
  historyRecordKey,
  parseHistoryRecordKey,
  previousVersionRange,
  TOPIC_RECORD_PREFIX,
  topicRecordKey,
  topicRecordRange,
  type KvChange,
  type RecordRange,
  type TopicRecord,
} from './log-records';
export { HistoryCompactor, historyGarbage, HistoryResolver, resolveHistory } from './history';
export type {
  AppendResponse,
  ApplyError,
  ApplyErrorCode,
  ApplyResult,
  CommandOutcome,
  CommitOffsetResponse,
  CompactResponse,
  CreateTopicResponse,
  DeleteResponse,
  KeyValue,
  LeaseDetail,
  LeaseGrantResponse,
  LeaseInfo,
  LeaseRevokeResponse,
  OpResponse,
  PutResponse,
  RangeResponse,
  ReadQuery,
  ReadResult,
  Rejection,
  RejectionStatus,
  TopicInfo,
  TopicOpResponse,
  TxnOpResponse,
  TxnResponse,
} from './results';
