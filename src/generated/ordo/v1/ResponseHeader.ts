// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface ResponseHeader {
  'memberId'?: (number | string | Long);
  'revision'?: (number | string | Long);
  'raftTerm'?: (number | string | Long);
}

export interface ResponseHeader__Output {
  'memberId': (number);
  'revision': (number);
  'raftTerm': (number);
}
