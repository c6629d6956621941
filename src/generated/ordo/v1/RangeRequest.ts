// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface RangeRequest {
  'key'?: (Buffer | Uint8Array | string);
  'rangeEnd'?: (Buffer | Uint8Array | string);
  'limit'?: (number | string | Long);
  'serializable'?: (boolean);
}

export interface RangeRequest__Output {
  'key': (Buffer);
  'rangeEnd': (Buffer);
  'limit': (number);
  'serializable': (boolean);
}
