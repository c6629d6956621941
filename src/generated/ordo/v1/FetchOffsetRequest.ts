// Original file: proto/log.proto


export interface FetchOffsetRequest {
  'group'?: (string);
  'topic'?: (string);
  'serializable'?: (boolean);
}

export interface FetchOffsetRequest__Output {
  'group': (string);
  'topic': (string);
  'serializable': (boolean);
}
