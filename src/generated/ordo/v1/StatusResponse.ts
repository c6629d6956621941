// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusResponse {
  'id'?: (number | string | Long);
  'address'?: (string);
  'role'?: (string);
  'term'?: (number | string | Long);
  'leaderId'?: (number | string | Long);
  'leaderAddress'?: (string);
  'commitIndex'?: (number | string | Long);
  'appliedIndex'?: (number | string | Long);
  'lastLogIndex'?: (number | string | Long);
  'stateDigest'?: (string);
  'logDigest'?: (string);
  'firstIndex'?: (number | string | Long);
  'snapshotIndex'?: (number | string | Long);
}

export interface StatusResponse__Output {
  'id': (number);
  'address': (string);
  'role': (string);
  'term': (number);
  'leaderId': (number);
  'leaderAddress': (string);
  'commitIndex': (number);
  'appliedIndex': (number);
  'lastLogIndex': (number);
  'stateDigest': (string);
  'logDigest': (string);
  'firstIndex': (number);
  'snapshotIndex': (number);
}
