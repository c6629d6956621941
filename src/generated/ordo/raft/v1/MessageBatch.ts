// Original file: proto/raft.proto

import type { RaftMessage as _ordo_raft_v1_RaftMessage, RaftMessage__Output as _ordo_raft_v1_RaftMessage__Output } from '../../../ordo/raft/v1/RaftMessage';

export interface MessageBatch {
  'cluster'?: (string);
  'messages'?: (_ordo_raft_v1_RaftMessage)[];
  'fromAddress'?: (string);
}

export interface MessageBatch__Output {
  'cluster': (string);
  'messages': (_ordo_raft_v1_RaftMessage__Output)[];
  'fromAddress': (string);
}
