// Original file: proto/log.proto


export interface RecordHeader {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface RecordHeader__Output {
  'key': (string);
  'value': (Buffer);
}
