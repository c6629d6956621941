// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MessageBatch as _ordo_raft_v1_MessageBatch, MessageBatch__Output as _ordo_raft_v1_MessageBatch__Output } from '../../../ordo/raft/v1/MessageBatch';
import type { SendAck as _ordo_raft_v1_SendAck, SendAck__Output as _ordo_raft_v1_SendAck__Output } from '../../../ordo/raft/v1/SendAck';
import type { SnapshotAck as _ordo_raft_v1_SnapshotAck, SnapshotAck__Output as _ordo_raft_v1_SnapshotAck__Output } from '../../../ordo/raft/v1/SnapshotAck';
import type { SnapshotChunk as _ordo_raft_v1_SnapshotChunk, SnapshotChunk__Output as _ordo_raft_v1_SnapshotChunk__Output } from '../../../ordo/raft/v1/SnapshotChunk';

export interface PeerClient extends grpc.Client {
  InstallSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  InstallSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  InstallSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  InstallSnapshot(callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  installSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  installSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  installSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  installSnapshot(callback: grpc.requestCallback<_ordo_raft_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_SnapshotChunk>;
  
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  Send(callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  send(callback: grpc.requestCallback<_ordo_raft_v1_SendAck__Output>): grpc.ClientWritableStream<_ordo_raft_v1_MessageBatch>;
  
}

export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  InstallSnapshot: grpc.handleClientStreamingCall<_ordo_raft_v1_SnapshotChunk__Output, _ordo_raft_v1_SnapshotAck>;
  
  Send: grpc.handleClientStreamingCall<_ordo_raft_v1_MessageBatch__Output, _ordo_raft_v1_SendAck>;
  
}

export interface PeerDefinition extends grpc.ServiceDefinition {
  InstallSnapshot: MethodDefinition<_ordo_raft_v1_SnapshotChunk, _ordo_raft_v1_SnapshotAck, _ordo_raft_v1_SnapshotChunk__Output, _ordo_raft_v1_SnapshotAck__Output>
  Send: MethodDefinition<_ordo_raft_v1_MessageBatch, _ordo_raft_v1_SendAck, _ordo_raft_v1_MessageBatch__Output, _ordo_raft_v1_SendAck__Output>
}
