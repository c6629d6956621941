// Original file: proto/kv.proto

import type { Member as _ordo_v1_Member, Member__Output as _ordo_v1_Member__Output } from '../../ordo/v1/Member';
import type { Long } from '@grpc/proto-loader';

export interface MemberListResponse {
  'members'?: (_ordo_v1_Member)[];
  'leaderId'?: (number | string | Long);
  'configIndex'?: (number | string | Long);
  'commitIndex'?: (number | string | Long);
}

export interface MemberListResponse__Output {
  'members': (_ordo_v1_Member__Output)[];
  'leaderId': (number);
  'configIndex': (number);
  'commitIndex': (number);
}
