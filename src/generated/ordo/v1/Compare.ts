// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/kv.proto

export const _ordo_v1_Compare_CompareResult = {
  EQUAL: 'EQUAL',
  GREATER: 'GREATER',
  LESS: 'LESS',
  NOT_EQUAL: 'NOT_EQUAL',
} as const;

export type _ordo_v1_Compare_CompareResult =
  | 'EQUAL'
  | 0
  | 'GREATER'
  | 1
  | 'LESS'
  | 2
  | 'NOT_EQUAL'
  | 3

export type _ordo_v1_Compare_CompareResult__Output = typeof _ordo_v1_Compare_CompareResult[keyof typeof _ordo_v1_Compare_CompareResult]

// Original file: proto/kv.proto

export const _ordo_v1_Compare_CompareTarget = {
  VERSION: 'VERSION',
  CREATE: 'CREATE',
  MOD: 'MOD',
  VALUE: 'VALUE',
} as const;

export type _ordo_v1_Compare_CompareTarget =
  | 'VERSION'
  | 0
  | 'CREATE'
  | 1
  | 'MOD'
  | 2
  | 'VALUE'
  | 3

export type _ordo_v1_Compare_CompareTarget__Output = typeof _ordo_v1_Compare_CompareTarget[keyof typeof _ordo_v1_Compare_CompareTarget]

export interface Compare {
  'result'?: (_ordo_v1_Compare_CompareResult);
  'target'?: (_ordo_v1_Compare_CompareTarget);
  'key'?: (Buffer | Uint8Array | string);
  'version'?: (number | string | Long);
  'createRevision'?: (number | string | Long);
  'modRevision'?: (number | string | Long);
  'value'?: (Buffer | Uint8Array | string);
  'targetUnion'?: "version"|"createRevision"|"modRevision"|"value";
}

export interface Compare__Output {
  'result': (_ordo_v1_Compare_CompareResult__Output);
  'target': (_ordo_v1_Compare_CompareTarget__Output);
  'key': (Buffer);
  'version'?: (number);
  'createRevision'?: (number);
  'modRevision'?: (number);
  'value'?: (Buffer);
  'targetUnion'?: "version"|"createRevision"|"modRevision"|"value";
}
