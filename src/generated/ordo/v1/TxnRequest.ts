// Original file: proto/kv.proto

import type { Compare as _ordo_v1_Compare, Compare__Output as _ordo_v1_Compare__Output } from '../../ordo/v1/Compare';
import type { RequestOp as _ordo_v1_RequestOp, RequestOp__Output as _ordo_v1_RequestOp__Output } from '../../ordo/v1/RequestOp';
import type { Session as _ordo_v1_Session, Session__Output as _ordo_v1_Session__Output } from '../../ordo/v1/Session';

export interface TxnRequest {
  'compare'?: (_ordo_v1_Compare)[];
  'success'?: (_ordo_v1_RequestOp)[];
  'failure'?: (_ordo_v1_RequestOp)[];
  'session'?: (_ordo_v1_Session | null);
}

export interface TxnRequest__Output {
  'compare': (_ordo_v1_Compare__Output)[];
  'success': (_ordo_v1_RequestOp__Output)[];
  'failure': (_ordo_v1_RequestOp__Output)[];
  'session': (_ordo_v1_Session__Output | null);
}
