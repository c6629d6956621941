// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface ForwardRequest {
  'id'?: (number | string | Long);
  'propose'?: (Buffer | Uint8Array | string);
  'readIndex'?: (boolean);
  'leaseKeepAlive'?: (number | string | Long);
  'leaseTimeToLive'?: (number | string | Long);
  'kind'?: "propose"|"readIndex"|"leaseKeepAlive"|"leaseTimeToLive";
}

export interface ForwardRequest__Output {
  'id': (number);
  'propose'?: (Buffer);
  'readIndex'?: (boolean);
  'leaseKeepAlive'?: (number);
  'leaseTimeToLive'?: (number);
  'kind'?: "propose"|"readIndex"|"leaseKeepAlive"|"leaseTimeToLive";
}
