// Original file: proto/log.proto

import type { Record as _ordo_v1_Record, Record__Output as _ordo_v1_Record__Output } from '../../ordo/v1/Record';
import type { Long } from '@grpc/proto-loader';

export interface ReadResponse {
  'records'?: (_ordo_v1_Record)[];
  'earliestOffset'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
}

export interface ReadResponse__Output {
  'records': (_ordo_v1_Record__Output)[];
  'earliestOffset': (number);
  'nextOffset': (number);
}
