// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface ForwardReply {
  'id'?: (number | string | Long);
  'code'?: (number);
  'message'?: (string);
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'ttl'?: (number | string | Long);
}

export interface ForwardReply__Output {
  'id': (number);
  'code': (number);
  'message': (string);
  'index': (number);
  'term': (number);
  'ttl': (number);
}
