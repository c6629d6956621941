// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface MemberAddRequest {
  'id'?: (number | string | Long);
  'peerAddress'?: (string);
  'clientAddress'?: (string);
  'learner'?: (boolean);
}

export interface MemberAddRequest__Output {
  'id': (number);
  'peerAddress': (string);
  'clientAddress': (string);
  'learner': (boolean);
}
