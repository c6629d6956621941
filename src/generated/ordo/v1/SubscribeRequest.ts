// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  'topic'?: (string);
  'fromOffset'?: (number | string | Long);
}

export interface SubscribeRequest__Output {
  'topic': (string);
  'fromOffset': (number);
}
