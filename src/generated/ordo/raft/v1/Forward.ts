// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ForwardHeader as _ordo_raft_v1_ForwardHeader, ForwardHeader__Output as _ordo_raft_v1_ForwardHeader__Output } from '../../../ordo/raft/v1/ForwardHeader';
import type { LeaseRequest as _ordo_raft_v1_LeaseRequest, LeaseRequest__Output as _ordo_raft_v1_LeaseRequest__Output } from '../../../ordo/raft/v1/LeaseRequest';
import type { LeaseResponse as _ordo_raft_v1_LeaseResponse, LeaseResponse__Output as _ordo_raft_v1_LeaseResponse__Output } from '../../../ordo/raft/v1/LeaseResponse';
import type { ProposeRequest as _ordo_raft_v1_ProposeRequest, ProposeRequest__Output as _ordo_raft_v1_ProposeRequest__Output } from '../../../ordo/raft/v1/ProposeRequest';
import type { ProposeResponse as _ordo_raft_v1_ProposeResponse, ProposeResponse__Output as _ordo_raft_v1_ProposeResponse__Output } from '../../../ordo/raft/v1/ProposeResponse';
import type { ReadIndexResponse as _ordo_raft_v1_ReadIndexResponse, ReadIndexResponse__Output as _ordo_raft_v1_ReadIndexResponse__Output } from '../../../ordo/raft/v1/ReadIndexResponse';

export interface ForwardClient extends grpc.Client {
  LeaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseKeepAlive(argument: _ordo_raft_v1_LeaseRequest, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  
  LeaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _ordo_raft_v1_LeaseRequest, callback: grpc.requestCallback<_ordo_raft_v1_LeaseResponse__Output>): grpc.ClientUnaryCall;
  
  Propose(argument: _ordo_raft_v1_ProposeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _ordo_raft_v1_ProposeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _ordo_raft_v1_ProposeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _ordo_raft_v1_ProposeRequest, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _ordo_raft_v1_ProposeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _ordo_raft_v1_ProposeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _ordo_raft_v1_ProposeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _ordo_raft_v1_ProposeRequest, callback: grpc.requestCallback<_ordo_raft_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  
  ReadIndex(argument: _ordo_raft_v1_ForwardHeader, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _ordo_raft_v1_ForwardHeader, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _ordo_raft_v1_ForwardHeader, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  ReadIndex(argument: _ordo_raft_v1_ForwardHeader, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _ordo_raft_v1_ForwardHeader, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _ordo_raft_v1_ForwardHeader, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _ordo_raft_v1_ForwardHeader, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  readIndex(argument: _ordo_raft_v1_ForwardHeader, callback: grpc.requestCallback<_ordo_raft_v1_ReadIndexResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ForwardHandlers extends grpc.UntypedServiceImplementation {
  LeaseKeepAlive: grpc.handleUnaryCall<_ordo_raft_v1_LeaseRequest__Output, _ordo_raft_v1_LeaseResponse>;
  
  LeaseTimeToLive: grpc.handleUnaryCall<_ordo_raft_v1_LeaseRequest__Output, _ordo_raft_v1_LeaseResponse>;
  
  Propose: grpc.handleUnaryCall<_ordo_raft_v1_ProposeRequest__Output, _ordo_raft_v1_ProposeResponse>;
  
  ReadIndex: grpc.handleUnaryCall<_ordo_raft_v1_ForwardHeader__Output, _ordo_raft_v1_ReadIndexResponse>;
  
}

export interface ForwardDefinition extends grpc.ServiceDefinition {
  LeaseKeepAlive: MethodDefinition<_ordo_raft_v1_LeaseRequest, _ordo_raft_v1_LeaseResponse, _ordo_raft_v1_LeaseRequest__Output, _ordo_raft_v1_LeaseResponse__Output>
  LeaseTimeToLive: MethodDefinition<_ordo_raft_v1_LeaseRequest, _ordo_raft_v1_LeaseResponse, _ordo_raft_v1_LeaseRequest__Output, _ordo_raft_v1_LeaseResponse__Output>
  Propose: MethodDefinition<_ordo_raft_v1_ProposeRequest, _ordo_raft_v1_ProposeResponse, _ordo_raft_v1_ProposeRequest__Output, _ordo_raft_v1_ProposeResponse__Output>
  ReadIndex: MethodDefinition<_ordo_raft_v1_ForwardHeader, _ordo_raft_v1_ReadIndexResponse, _ordo_raft_v1_ForwardHeader__Output, _ordo_raft_v1_ReadIndexResponse__Output>
}
