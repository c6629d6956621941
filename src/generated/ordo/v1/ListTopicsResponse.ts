// Original file: proto/log.proto

import type { TopicInfo as _ordo_v1_TopicInfo, TopicInfo__Output as _ordo_v1_TopicInfo__Output } from '../../ordo/v1/TopicInfo';

export interface ListTopicsResponse {
  'topics'?: (_ordo_v1_TopicInfo)[];
}

export interface ListTopicsResponse__Output {
  'topics': (_ordo_v1_TopicInfo__Output)[];
}
