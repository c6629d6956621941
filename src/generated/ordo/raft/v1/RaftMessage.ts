// Original file: proto/raft.proto

import type { MessageType as _ordo_raft_v1_MessageType, MessageType__Output as _ordo_raft_v1_MessageType__Output } from '../../../ordo/raft/v1/MessageType';
import type { Entry as _ordo_raft_v1_Entry, Entry__Output as _ordo_raft_v1_Entry__Output } from '../../../ordo/raft/v1/Entry';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (_ordo_raft_v1_MessageType);
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'term'?: (number | string | Long);
  'logIndex'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'entries'?: (_ordo_raft_v1_Entry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'conflictTerm'?: (number | string | Long);
  'conflictIndex'?: (number | string | Long);
  'readRound'?: (number | string | Long);
  'transfer'?: (boolean);
  'voters'?: (number | string | Long)[];
  'learners'?: (number | string | Long)[];
}

export interface RaftMessage__Output {
  'type': (_ordo_raft_v1_MessageType__Output);
  'from': (number);
  'to': (number);
  'term': (number);
  'logIndex': (number);
  'logTerm': (number);
  'entries': (_ordo_raft_v1_Entry__Output)[];
  'commit': (number);
  'reject': (boolean);
  'conflictTerm': (number);
  'conflictIndex': (number);
  'readRound': (number);
  'transfer': (boolean);
  'voters': (number)[];
  'learners': (number)[];
}
