// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface SnapshotAck {
  'records'?: (number | string | Long);
}

export interface SnapshotAck__Output {
  'records': (number);
}
