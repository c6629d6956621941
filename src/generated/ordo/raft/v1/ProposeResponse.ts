// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface ProposeResponse {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
}

export interface ProposeResponse__Output {
  'index': (number);
  'term': (number);
}
