// Original file: proto/raft.proto

import type { ForwardRequest as _ordo_raft_v1_ForwardRequest, ForwardRequest__Output as _ordo_raft_v1_ForwardRequest__Output } from '../../../ordo/raft/v1/ForwardRequest';

export interface ForwardBatch {
  'cluster'?: (string);
  'requests'?: (_ordo_raft_v1_ForwardRequest)[];
}

export interface ForwardBatch__Output {
  'cluster': (string);
  'requests': (_ordo_raft_v1_ForwardRequest__Output)[];
}
