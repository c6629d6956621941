// Original file: proto/log.proto

import type { TopicPolicy as _ordo_v1_TopicPolicy, TopicPolicy__Output as _ordo_v1_TopicPolicy__Output } from '../../ordo/v1/TopicPolicy';
import type { Long } from '@grpc/proto-loader';

export interface TopicInfo {
  'topic'?: (string);
  'policy'?: (_ordo_v1_TopicPolicy | null);
  'earliestOffset'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
  'records'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface TopicInfo__Output {
  'topic': (string);
  'policy': (_ordo_v1_TopicPolicy__Output | null);
  'earliestOffset': (number);
  'nextOffset': (number);
  'records': (number);
  'bytes': (number);
}
