// Original file: proto/kv.proto

import type { RangeRequest as _ordo_v1_RangeRequest, RangeRequest__Output as _ordo_v1_RangeRequest__Output } from '../../ordo/v1/RangeRequest';
import type { PutRequest as _ordo_v1_PutRequest, PutRequest__Output as _ordo_v1_PutRequest__Output } from '../../ordo/v1/PutRequest';
import type { DeleteRangeRequest as _ordo_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _ordo_v1_DeleteRangeRequest__Output } from '../../ordo/v1/DeleteRangeRequest';

export interface RequestOp {
  'requestRange'?: (_ordo_v1_RangeRequest | null);
  'requestPut'?: (_ordo_v1_PutRequest | null);
  'requestDeleteRange'?: (_ordo_v1_DeleteRangeRequest | null);
  'request'?: "requestRange"|"requestPut"|"requestDeleteRange";
}

export interface RequestOp__Output {
  'requestRange'?: (_ordo_v1_RangeRequest__Output | null);
  'requestPut'?: (_ordo_v1_PutRequest__Output | null);
  'requestDeleteRange'?: (_ordo_v1_DeleteRangeRequest__Output | null);
  'request'?: "requestRange"|"requestPut"|"requestDeleteRange";
}
