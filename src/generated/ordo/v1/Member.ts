// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface Member {
  'id'?: (number | string | Long);
  'clientAddress'?: (string);
  'peerAddress'?: (string);
  'role'?: (string);
  'isLeader'?: (boolean);
  'matchIndex'?: (number | string | Long);
}

export interface Member__Output {
  'id': (number);
  'clientAddress': (string);
  'peerAddress': (string);
  'role': (string);
  'isLeader': (boolean);
  'matchIndex': (number);
}
