// Original file: proto/kv.proto

import type { Member as _ordo_v1_Member, Member__Output as _ordo_v1_Member__Output } from '../../ordo/v1/Member';

export interface MemberListResponse {
  'members'?: (_ordo_v1_Member)[];
}

export interface MemberListResponse__Output {
  'members': (_ordo_v1_Member__Output)[];
}
