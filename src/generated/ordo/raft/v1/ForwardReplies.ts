// Original file: proto/raft.proto

import type { ForwardReply as _ordo_raft_v1_ForwardReply, ForwardReply__Output as _ordo_raft_v1_ForwardReply__Output } from '../../../ordo/raft/v1/ForwardReply';

export interface ForwardReplies {
  'replies'?: (_ordo_raft_v1_ForwardReply)[];
}

export interface ForwardReplies__Output {
  'replies': (_ordo_raft_v1_ForwardReply__Output)[];
}
