// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchOffsetResponse {
  'found'?: (boolean);
  'offset'?: (number | string | Long);
}

export interface FetchOffsetResponse__Output {
  'found': (boolean);
  'offset': (number);
}
