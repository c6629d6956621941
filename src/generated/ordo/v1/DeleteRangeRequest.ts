// Original file: proto/kv.proto

import type { Session as _ordo_v1_Session, Session__Output as _ordo_v1_Session__Output } from '../../ordo/v1/Session';

export interface DeleteRangeRequest {
  'key'?: (Buffer | Uint8Array | string);
  'rangeEnd'?: (Buffer | Uint8Array | string);
  'prevKv'?: (boolean);
  'session'?: (_ordo_v1_Session | null);
}

export interface DeleteRangeRequest__Output {
  'key': (Buffer);
  'rangeEnd': (Buffer);
  'prevKv': (boolean);
  'session': (_ordo_v1_Session__Output | null);
}
