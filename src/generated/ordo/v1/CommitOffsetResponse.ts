// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetResponse {
  'offset'?: (number | string | Long);
}

export interface CommitOffsetResponse__Output {
  'offset': (number);
}
