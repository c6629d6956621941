// Original file: proto/raft.proto


export interface ForwardHeader {
  'cluster'?: (string);
}

export interface ForwardHeader__Output {
  'cluster': (string);
}
