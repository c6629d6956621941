// Original file: proto/kv.proto

import type { ResponseHeader as _ordo_v1_ResponseHeader, ResponseHeader__Output as _ordo_v1_ResponseHeader__Output } from '../../ordo/v1/ResponseHeader';
import type { KeyValue as _ordo_v1_KeyValue, KeyValue__Output as _ordo_v1_KeyValue__Output } from '../../ordo/v1/KeyValue';
import type { Long } from '@grpc/proto-loader';

export interface RangeResponse {
  'header'?: (_ordo_v1_ResponseHeader | null);
  'kvs'?: (_ordo_v1_KeyValue)[];
  'more'?: (boolean);
  'count'?: (number | string | Long);
}

export interface RangeResponse__Output {
  'header': (_ordo_v1_ResponseHeader__Output | null);
  'kvs': (_ordo_v1_KeyValue__Output)[];
  'more': (boolean);
  'count': (number);
}
