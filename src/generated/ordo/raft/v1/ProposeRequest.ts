// Original file: proto/raft.proto


export interface ProposeRequest {
  'cluster'?: (string);
  'command'?: (Buffer | Uint8Array | string);
}

export interface ProposeRequest__Output {
  'cluster': (string);
  'command': (Buffer);
}
