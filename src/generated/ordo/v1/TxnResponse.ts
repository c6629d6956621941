// Original file: proto/kv.proto

import type { ResponseHeader as _ordo_v1_ResponseHeader, ResponseHeader__Output as _ordo_v1_ResponseHeader__Output } from '../../ordo/v1/ResponseHeader';
import type { ResponseOp as _ordo_v1_ResponseOp, ResponseOp__Output as _ordo_v1_ResponseOp__Output } from '../../ordo/v1/ResponseOp';

export interface TxnResponse {
  'header'?: (_ordo_v1_ResponseHeader | null);
  'succeeded'?: (boolean);
  'responses'?: (_ordo_v1_ResponseOp)[];
}

export interface TxnResponse__Output {
  'header': (_ordo_v1_ResponseHeader__Output | null);
  'succeeded': (boolean);
  'responses': (_ordo_v1_ResponseOp__Output)[];
}
