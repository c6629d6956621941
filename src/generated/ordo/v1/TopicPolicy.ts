// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/log.proto

export const _ordo_v1_TopicPolicy_Kind = {
  RETAIN: 'RETAIN',
  COMPACT: 'COMPACT',
} as const;

export type _ordo_v1_TopicPolicy_Kind =
  | 'RETAIN'
  | 0
  | 'COMPACT'
  | 1

export type _ordo_v1_TopicPolicy_Kind__Output = typeof _ordo_v1_TopicPolicy_Kind[keyof typeof _ordo_v1_TopicPolicy_Kind]

export interface TopicPolicy {
  'kind'?: (_ordo_v1_TopicPolicy_Kind);
  'retainRecords'?: (number | string | Long);
  'retainBytes'?: (number | string | Long);
}

export interface TopicPolicy__Output {
  'kind': (_ordo_v1_TopicPolicy_Kind__Output);
  'retainRecords': (number);
  'retainBytes': (number);
}
