// Original file: proto/log.proto

import type { Record as _ordo_v1_Record, Record__Output as _ordo_v1_Record__Output } from '../../ordo/v1/Record';
import type { Producer as _ordo_v1_Producer, Producer__Output as _ordo_v1_Producer__Output } from '../../ordo/v1/Producer';

export interface AppendRequest {
  'topic'?: (string);
  'records'?: (_ordo_v1_Record)[];
  'producer'?: (_ordo_v1_Producer | null);
}

export interface AppendRequest__Output {
  'topic': (string);
  'records': (_ordo_v1_Record__Output)[];
  'producer': (_ordo_v1_Producer__Output | null);
}
