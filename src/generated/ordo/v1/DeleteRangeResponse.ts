// Original file: proto/kv.proto

import type { ResponseHeader as _ordo_v1_ResponseHeader, ResponseHeader__Output as _ordo_v1_ResponseHeader__Output } from '../../ordo/v1/ResponseHeader';
import type { KeyValue as _ordo_v1_KeyValue, KeyValue__Output as _ordo_v1_KeyValue__Output } from '../../ordo/v1/KeyValue';
import type { Long } from '@grpc/proto-loader';

export interface DeleteRangeResponse {
  'header'?: (_ordo_v1_ResponseHeader | null);
  'deleted'?: (number | string | Long);
  'prevKvs'?: (_ordo_v1_KeyValue)[];
}

export interface DeleteRangeResponse__Output {
  'header': (_ordo_v1_ResponseHeader__Output | null);
  'deleted': (number);
  'prevKvs': (_ordo_v1_KeyValue__Output)[];
}
