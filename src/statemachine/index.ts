/** Public face of the state machine package: what the server, storage and simulator import. */

export { StateMachine } from './state-machine';
export {
  casOp,
  deleteOp,
  deleteRangeOp,
  putOp,
  rangeOp,
  type Command,
  type Compare,
  type CompareNumberTarget,
  type CompareResult,
  type CompareTarget,
  type DeleteOp,
  type Op,
  type PutOp,
  type RangeOp,
  type Session,
  type TxnOp,
  type TxnRequestOp,
} from './command';
export { COMMAND_FORMAT_VERSION, CommandDecodeError, decodeCommand, encodeCommand } from './command-codec';
export { defaultStateMachineConfig, StateMachineConfigError, type StateMachineConfig } from './config';
export { prefixEnd, RANGE_END_ALL } from './key-range';
export { validateCommand, validateRangeOp } from './validate';
export { Fnv1a64 } from './digest';
export type { StateMutations } from './mutations';
export { RecordDecodeError } from './records';
export type {
  ApplyError,
  ApplyErrorCode,
  ApplyResult,
  CommandOutcome,
  DeleteResponse,
  KeyValue,
  OpResponse,
  PutResponse,
  RangeResponse,
  ReadQuery,
  ReadResult,
  TxnOpResponse,
  TxnResponse,
} from './results';
