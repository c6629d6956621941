// Original file: proto/log.proto


export interface DescribeTopicRequest {
  'topic'?: (string);
  'serializable'?: (boolean);
}

export interface DescribeTopicRequest__Output {
  'topic': (string);
  'serializable': (boolean);
}
