// Original file: proto/log.proto

import type { Producer as _ordo_v1_Producer, Producer__Output as _ordo_v1_Producer__Output } from '../../ordo/v1/Producer';
import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetRequest {
  'group'?: (string);
  'topic'?: (string);
  'offset'?: (number | string | Long);
  'force'?: (boolean);
  'producer'?: (_ordo_v1_Producer | null);
}

export interface CommitOffsetRequest__Output {
  'group': (string);
  'topic': (string);
  'offset': (number);
  'force': (boolean);
  'producer': (_ordo_v1_Producer__Output | null);
}
