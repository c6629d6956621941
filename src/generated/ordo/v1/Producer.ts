// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface Producer {
  'producerId'?: (string);
  'seq'?: (number | string | Long);
}

export interface Producer__Output {
  'producerId': (string);
  'seq': (number);
}
