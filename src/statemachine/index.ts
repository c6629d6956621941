/** Public face of the state machine package: what the server, storage and simulator import. */

export { StateMachine, type ResidentCounts } from './state-machine';
export {
  casOp,
  deleteOp,
  deleteRangeOp,
  putOp,
  rangeOp,
  recordBytes,
  RECORD_OVERHEAD_BYTES,
  type AppendOp,
  type AppendRecord,
  type Command,
  type CommitOffsetOp,
  type Compare,
  type CompareNumberTarget,
  type CompareResult,
  type CompareTarget,
  type CreateTopicOp,
  type DeleteOp,
  type KvOp,
  type Op,
  type PutOp,
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
export type { StateMutations } from './mutations';
export { RecordDecodeError } from './record-error';
export {
  CHANGE_RECORD_PREFIX,
  changeRecordRange,
  decodeChangeRecord,
  decodeTopicRecord,
  TOPIC_RECORD_PREFIX,
  topicRecordKey,
  topicRecordRange,
  type KvChange,
  type RecordRange,
  type TopicRecord,
} from './log-records';
export type {
  AppendResponse,
  ApplyError,
  ApplyErrorCode,
  ApplyResult,
  CommandOutcome,
  CommitOffsetResponse,
  CreateTopicResponse,
  DeleteResponse,
  KeyValue,
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
