// Original file: proto/log.proto

import type { TopicPolicy as _ordo_v1_TopicPolicy, TopicPolicy__Output as _ordo_v1_TopicPolicy__Output } from '../../ordo/v1/TopicPolicy';

export interface CreateTopicRequest {
  'topic'?: (string);
  'policy'?: (_ordo_v1_TopicPolicy | null);
}

export interface CreateTopicRequest__Output {
  'topic': (string);
  'policy': (_ordo_v1_TopicPolicy__Output | null);
}
