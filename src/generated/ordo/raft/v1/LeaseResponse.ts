// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseResponse {
  'ttl'?: (number | string | Long);
}

export interface LeaseResponse__Output {
  'ttl': (number);
}
