// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadRequest {
  'topic'?: (string);
  'fromOffset'?: (number | string | Long);
  'maxRecords'?: (number);
  'maxBytes'?: (number);
  'serializable'?: (boolean);
}

export interface ReadRequest__Output {
  'topic': (string);
  'fromOffset': (number);
  'maxRecords': (number);
  'maxBytes': (number);
  'serializable': (boolean);
}
