// Original file: proto/log.proto

import type { Record as _ordo_v1_Record, Record__Output as _ordo_v1_Record__Output } from '../../ordo/v1/Record';

export interface SubscribeResponse {
  'records'?: (_ordo_v1_Record)[];
}

export interface SubscribeResponse__Output {
  'records': (_ordo_v1_Record__Output)[];
}
