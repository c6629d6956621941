// Original file: proto/log.proto

import type { RecordHeader as _ordo_v1_RecordHeader, RecordHeader__Output as _ordo_v1_RecordHeader__Output } from '../../ordo/v1/RecordHeader';
import type { Long } from '@grpc/proto-loader';

export interface Record {
  'offset'?: (number | string | Long);
  'key'?: (Buffer | Uint8Array | string);
  'hasKey'?: (boolean);
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_ordo_v1_RecordHeader)[];
  'raftIndex'?: (number | string | Long);
  'timestampMs'?: (number | string | Long);
}

export interface Record__Output {
  'offset': (number);
  'key': (Buffer);
  'hasKey': (boolean);
  'value': (Buffer);
  'headers': (_ordo_v1_RecordHeader__Output)[];
  'raftIndex': (number);
  'timestampMs': (number);
}
