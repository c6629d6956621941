// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface Session {
  'clientId'?: (string);
  'seq'?: (number | string | Long);
}

export interface Session__Output {
  'clientId': (string);
  'seq': (number);
}
