// Original file: proto/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MemberAddRequest as _ordo_v1_MemberAddRequest, MemberAddRequest__Output as _ordo_v1_MemberAddRequest__Output } from '../../ordo/v1/MemberAddRequest';
import type { MemberChangeResponse as _ordo_v1_MemberChangeResponse, MemberChangeResponse__Output as _ordo_v1_MemberChangeResponse__Output } from '../../ordo/v1/MemberChangeResponse';
import type { MemberListRequest as _ordo_v1_MemberListRequest, MemberListRequest__Output as _ordo_v1_MemberListRequest__Output } from '../../ordo/v1/MemberListRequest';
import type { MemberListResponse as _ordo_v1_MemberListResponse, MemberListResponse__Output as _ordo_v1_MemberListResponse__Output } from '../../ordo/v1/MemberListResponse';
import type { MemberPromoteRequest as _ordo_v1_MemberPromoteRequest, MemberPromoteRequest__Output as _ordo_v1_MemberPromoteRequest__Output } from '../../ordo/v1/MemberPromoteRequest';
import type { MemberRemoveRequest as _ordo_v1_MemberRemoveRequest, MemberRemoveRequest__Output as _ordo_v1_MemberRemoveRequest__Output } from '../../ordo/v1/MemberRemoveRequest';
import type { StatusRequest as _ordo_v1_StatusRequest, StatusRequest__Output as _ordo_v1_StatusRequest__Output } from '../../ordo/v1/StatusRequest';
import type { StatusResponse as _ordo_v1_StatusResponse, StatusResponse__Output as _ordo_v1_StatusResponse__Output } from '../../ordo/v1/StatusResponse';

export interface ClusterClient extends grpc.Client {
  MemberAdd(argument: _ordo_v1_MemberAddRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _ordo_v1_MemberAddRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _ordo_v1_MemberAddRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _ordo_v1_MemberAddRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _ordo_v1_MemberAddRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _ordo_v1_MemberAddRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _ordo_v1_MemberAddRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _ordo_v1_MemberAddRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  
  MemberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _ordo_v1_MemberListRequest, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _ordo_v1_MemberListRequest, callback: grpc.requestCallback<_ordo_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  MemberPromote(argument: _ordo_v1_MemberPromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _ordo_v1_MemberPromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _ordo_v1_MemberPromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _ordo_v1_MemberPromoteRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _ordo_v1_MemberPromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _ordo_v1_MemberPromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _ordo_v1_MemberPromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _ordo_v1_MemberPromoteRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  
  MemberRemove(argument: _ordo_v1_MemberRemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _ordo_v1_MemberRemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _ordo_v1_MemberRemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _ordo_v1_MemberRemoveRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _ordo_v1_MemberRemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _ordo_v1_MemberRemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _ordo_v1_MemberRemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _ordo_v1_MemberRemoveRequest, callback: grpc.requestCallback<_ordo_v1_MemberChangeResponse__Output>): grpc.ClientUnaryCall;
  
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
  MemberAdd: grpc.handleUnaryCall<_ordo_v1_MemberAddRequest__Output, _ordo_v1_MemberChangeResponse>;
  
  MemberList: grpc.handleUnaryCall<_ordo_v1_MemberListRequest__Output, _ordo_v1_MemberListResponse>;
  
  MemberPromote: grpc.handleUnaryCall<_ordo_v1_MemberPromoteRequest__Output, _ordo_v1_MemberChangeResponse>;
  
  MemberRemove: grpc.handleUnaryCall<_ordo_v1_MemberRemoveRequest__Output, _ordo_v1_MemberChangeResponse>;
  
  Status: grpc.handleUnaryCall<_ordo_v1_StatusRequest__Output, _ordo_v1_StatusResponse>;
  
}

export interface ClusterDefinition extends grpc.ServiceDefinition {
  MemberAdd: MethodDefinition<_ordo_v1_MemberAddRequest, _ordo_v1_MemberChangeResponse, _ordo_v1_MemberAddRequest__Output, _ordo_v1_MemberChangeResponse__Output>
  MemberList: MethodDefinition<_ordo_v1_MemberListRequest, _ordo_v1_MemberListResponse, _ordo_v1_MemberListRequest__Output, _ordo_v1_MemberListResponse__Output>
  MemberPromote: MethodDefinition<_ordo_v1_MemberPromoteRequest, _ordo_v1_MemberChangeResponse, _ordo_v1_MemberPromoteRequest__Output, _ordo_v1_MemberChangeResponse__Output>
  MemberRemove: MethodDefinition<_ordo_v1_MemberRemoveRequest, _ordo_v1_MemberChangeResponse, _ordo_v1_MemberRemoveRequest__Output, _ordo_v1_MemberChangeResponse__Output>
  Status: MethodDefinition<_ordo_v1_StatusRequest, _ordo_v1_StatusResponse, _ordo_v1_StatusRequest__Output, _ordo_v1_StatusResponse__Output>
}
