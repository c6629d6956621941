// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseRequest {
  'cluster'?: (string);
  'id'?: (number | string | Long);
}

export interface LeaseRequest__Output {
  'cluster': (string);
  'id': (number);
}
