/** Public face of the linearizability checker (see README.md). */

export { Bitset } from './bitset';
export {
  checkHistory,
  checkOperations,
  interpretHistory,
  partitionOps,
  DEFAULT_MEMO_ENTRIES_MAX,
  DEFAULT_TIME_LIMIT_MS,
  type CheckOptions,
  type CheckResult,
  type LinearizedStep,
  type PartitionReport,
  type Verdict,
  type Violation,
} from './check';
export { checkHistoryCommand, HISTORY_FILE_BYTES_MAX, type CheckHistoryCommandOptions, type CheckHistoryCommandResult } from './cli-entry';
export { formatResult, formatViolation } from './explain';
export {
  HistoryError,
  pairEvents,
  showValue,
  type Completion,
  type EventType,
  type HistoryEvent,
  type HistoryOp,
  type Json,
  type ProcessId,
} from './history';
export type { Interpretation, Model, Operation, StepResult } from './model';
export { checkHistoryWithModel, isModelName, MODEL_NAMES, type ModelName, type NamedCheck } from './models';
export { kvModel, type KvInput, type KvOutput } from './models/kv';
export { logModel, type LogInput, type LogOutput, type LogState } from './models/log';
export { registerModel, type RegisterInput, type RegisterModelOptions, type RegisterOutput, type RegisterValue } from './models/register';
export { detectFormat, HISTORY_FORMATS, isHistoryFormat, parseEvents, parseHistory, type HistoryFormat } from './parse';
export { formatJsonl, parseJsonl } from './parse/jsonl';
export { parseJepsenEdn } from './parse/jepsen-edn';
export { parseJepsenEtcd } from './parse/jepsen-etcd';
export { searchPartition, type PrefixStep, type SearchLimits, type SearchOutcome, type UnknownReason } from './search';
