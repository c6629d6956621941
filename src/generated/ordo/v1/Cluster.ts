// Original file: proto/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MemberListRequest as _ordo_v1_MemberListRequest, MemberListRequest__Output as _ordo_v1_MemberListRequest__Output } from '../../ordo/v1/MemberListRequest';
import type { MemberListResponse as _ordo_v1_MemberListResponse, MemberListResponse__Output as _ordo_v1_MemberListResponse__Output } from '../../ordo/v1/MemberListResponse';
import type { StatusRequest as _ordo_v1_StatusRequest, StatusRequest__Output as _ordo_v1_StatusRequest__Output } from '../../ordo/v1/StatusRequest';
import type { StatusResponse as _ordo_v1_StatusResponse, StatusResponse__Output as _ordo_v1_StatusResponse__Output } from '../../ordo/v1/StatusResponse';

export interface ClusterClient extends grpc.Client {
  MemberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _ordo_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ordo_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ordo_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ordo_v1_StatusRequest, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ordo_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ordo_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ordo_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ordo_v1_StatusRequest, callback: grpc.requestCallback<_ordo_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ClusterHandlers extends grpc.UntypedServiceImplementation {
  MemberList: grpc.handleUnaryCall<_ordo_v1_MemberListRequest__Output, _ordo_v1_MemberListResponse>;
  
  Status: grpc.handleUnaryCall<_ordo_v1_StatusRequest__Output, _ordo_v1_StatusResponse>;
  
}

export interface ClusterDefinition extends grpc.ServiceDefinition {
  MemberList: MethodDefinition<_ordo_v1_MemberListRequest, _ordo_v1_MemberListResponse, _ordo_v1_MemberListRequest__Output, _ordo_v1_MemberListResponse__Output>
  Status: MethodDefinition<_ordo_v1_StatusRequest, _ordo_v1_StatusResponse, _ordo_v1_StatusRequest__Output, _ordo_v1_StatusResponse__Output>
}
