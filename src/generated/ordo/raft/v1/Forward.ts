// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ForwardBatch as _ordo_raft_v1_ForwardBatch, ForwardBatch__Output as _ordo_raft_v1_ForwardBatch__Output } from '../../../ordo/raft/v1/ForwardBatch';
import type { ForwardReplies as _ordo_raft_v1_ForwardReplies, ForwardReplies__Output as _ordo_raft_v1_ForwardReplies__Output } from '../../../ordo/raft/v1/ForwardReplies';

export interface ForwardClient extends grpc.Client {
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardReplies__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardReplies__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardReplies__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardReplies__Output>;
  
}

export interface ForwardHandlers extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleBidiStreamingCall<_ordo_raft_v1_ForwardBatch__Output, _ordo_raft_v1_ForwardReplies>;
  
}

export interface ForwardDefinition extends grpc.ServiceDefinition {
  Stream: MethodDefinition<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardReplies, _ordo_raft_v1_ForwardBatch__Output, _ordo_raft_v1_ForwardReplies__Output>
}
