// Original file: proto/kv.proto

import type { RangeResponse as _ordo_v1_RangeResponse, RangeResponse__Output as _ordo_v1_RangeResponse__Output } from '../../ordo/v1/RangeResponse';
import type { PutResponse as _ordo_v1_PutResponse, PutResponse__Output as _ordo_v1_PutResponse__Output } from '../../ordo/v1/PutResponse';
import type { DeleteRangeResponse as _ordo_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _ordo_v1_DeleteRangeResponse__Output } from '../../ordo/v1/DeleteRangeResponse';

export interface ResponseOp {
  'responseRange'?: (_ordo_v1_RangeResponse | null);
  'responsePut'?: (_ordo_v1_PutResponse | null);
  'responseDeleteRange'?: (_ordo_v1_DeleteRangeResponse | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange";
}

export interface ResponseOp__Output {
  'responseRange'?: (_ordo_v1_RangeResponse__Output | null);
  'responsePut'?: (_ordo_v1_PutResponse__Output | null);
  'responseDeleteRange'?: (_ordo_v1_DeleteRangeResponse__Output | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange";
}
