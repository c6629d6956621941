// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchRequest {
  'key'?: (Buffer | Uint8Array | string);
  'rangeEnd'?: (Buffer | Uint8Array | string);
  'fromRevision'?: (number | string | Long);
}

export interface WatchRequest__Output {
  'key': (Buffer);
  'rangeEnd': (Buffer);
  'fromRevision': (number);
}
