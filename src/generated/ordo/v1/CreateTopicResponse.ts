// Original file: proto/log.proto

import type { TopicInfo as _ordo_v1_TopicInfo, TopicInfo__Output as _ordo_v1_TopicInfo__Output } from '../../ordo/v1/TopicInfo';

export interface CreateTopicResponse {
  'created'?: (boolean);
  'info'?: (_ordo_v1_TopicInfo | null);
}

export interface CreateTopicResponse__Output {
  'created': (boolean);
  'info': (_ordo_v1_TopicInfo__Output | null);
}
