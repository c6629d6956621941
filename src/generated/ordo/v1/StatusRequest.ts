// Original file: proto/kv.proto


export interface StatusRequest {
  'withDigest'?: (boolean);
}

export interface StatusRequest__Output {
  'withDigest': (boolean);
}
