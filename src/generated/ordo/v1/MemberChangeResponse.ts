// Original file: proto/kv.proto

import type { Member as _ordo_v1_Member, Member__Output as _ordo_v1_Member__Output } from '../../ordo/v1/Member';
import type { Long } from '@grpc/proto-loader';

export interface MemberChangeResponse {
  'members'?: (_ordo_v1_Member)[];
  'configIndex'?: (number | string | Long);
}

export interface MemberChangeResponse__Output {
  'members': (_ordo_v1_Member__Output)[];
  'configIndex': (number);
}
