// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface AppendResponse {
  'baseOffset'?: (number | string | Long);
  'offsets'?: (number | string | Long)[];
  'raftIndex'?: (number | string | Long);
}

export interface AppendResponse__Output {
  'baseOffset': (number);
  'offsets': (number)[];
  'raftIndex': (number);
}
