// Original file: proto/kv.proto

import type { ResponseHeader as _ordo_v1_ResponseHeader, ResponseHeader__Output as _ordo_v1_ResponseHeader__Output } from '../../ordo/v1/ResponseHeader';
import type { KeyValue as _ordo_v1_KeyValue, KeyValue__Output as _ordo_v1_KeyValue__Output } from '../../ordo/v1/KeyValue';

export interface PutResponse {
  'header'?: (_ordo_v1_ResponseHeader | null);
  'prevKv'?: (_ordo_v1_KeyValue | null);
}

export interface PutResponse__Output {
  'header': (_ordo_v1_ResponseHeader__Output | null);
  'prevKv': (_ordo_v1_KeyValue__Output | null);
}
