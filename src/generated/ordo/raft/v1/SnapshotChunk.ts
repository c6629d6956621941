// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface SnapshotChunk {
  'cluster'?: (string);
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  'snapshotTerm'?: (number | string | Long);
  'voters'?: (number | string | Long)[];
  'learners'?: (number | string | Long)[];
  'seq'?: (number | string | Long);
  'keys'?: (Buffer | Uint8Array | string)[];
  'values'?: (Buffer | Uint8Array | string)[];
  'crc'?: (number);
  'last'?: (boolean);
  'totalRecords'?: (number | string | Long);
  'digest'?: (string);
}

export interface SnapshotChunk__Output {
  'cluster': (string);
  'from': (number);
  'to': (number);
  'term': (number);
  'index': (number);
  'snapshotTerm': (number);
  'voters': (number)[];
  'learners': (number)[];
  'seq': (number);
  'keys': (Buffer)[];
  'values': (Buffer)[];
  'crc': (number);
  'last': (boolean);
  'totalRecords': (number);
  'digest': (string);
}
