// Original file: proto/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteRangeRequest as _ordo_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _ordo_v1_DeleteRangeRequest__Output } from '../../ordo/v1/DeleteRangeRequest';
import type { DeleteRangeResponse as _ordo_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _ordo_v1_DeleteRangeResponse__Output } from '../../ordo/v1/DeleteRangeResponse';
import type { PutRequest as _ordo_v1_PutRequest, PutRequest__Output as _ordo_v1_PutRequest__Output } from '../../ordo/v1/PutRequest';
import type { PutResponse as _ordo_v1_PutResponse, PutResponse__Output as _ordo_v1_PutResponse__Output } from '../../ordo/v1/PutResponse';
import type { RangeRequest as _ordo_v1_RangeRequest, RangeRequest__Output as _ordo_v1_RangeRequest__Output } from '../../ordo/v1/RangeRequest';
import type { RangeResponse as _ordo_v1_RangeResponse, RangeResponse__Output as _ordo_v1_RangeResponse__Output } from '../../ordo/v1/RangeResponse';
import type { TxnRequest as _ordo_v1_TxnRequest, TxnRequest__Output as _ordo_v1_TxnRequest__Output } from '../../ordo/v1/TxnRequest';
import type { TxnResponse as _ordo_v1_TxnResponse, TxnResponse__Output as _ordo_v1_TxnResponse__Output } from '../../ordo/v1/TxnResponse';

export interface KVClient extends grpc.Client {
  DeleteRange(argument: _ordo_v1_DeleteRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _ordo_v1_DeleteRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _ordo_v1_DeleteRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _ordo_v1_DeleteRangeRequest, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _ordo_v1_DeleteRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _ordo_v1_DeleteRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _ordo_v1_DeleteRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _ordo_v1_DeleteRangeRequest, callback: grpc.requestCallback<_ordo_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  
  Put(argument: _ordo_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ordo_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ordo_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ordo_v1_PutRequest, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ordo_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ordo_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ordo_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ordo_v1_PutRequest, callback: grpc.requestCallback<_ordo_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  
  Range(argument: _ordo_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _ordo_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _ordo_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _ordo_v1_RangeRequest, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _ordo_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _ordo_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _ordo_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _ordo_v1_RangeRequest, callback: grpc.requestCallback<_ordo_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  
  Txn(argument: _ordo_v1_TxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _ordo_v1_TxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _ordo_v1_TxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _ordo_v1_TxnRequest, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _ordo_v1_TxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _ordo_v1_TxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _ordo_v1_TxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _ordo_v1_TxnRequest, callback: grpc.requestCallback<_ordo_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface KVHandlers extends grpc.UntypedServiceImplementation {
  DeleteRange: grpc.handleUnaryCall<_ordo_v1_DeleteRangeRequest__Output, _ordo_v1_DeleteRangeResponse>;
  
  Put: grpc.handleUnaryCall<_ordo_v1_PutRequest__Output, _ordo_v1_PutResponse>;
  
  Range: grpc.handleUnaryCall<_ordo_v1_RangeRequest__Output, _ordo_v1_RangeResponse>;
  
  Txn: grpc.handleUnaryCall<_ordo_v1_TxnRequest__Output, _ordo_v1_TxnResponse>;
  
}

export interface KVDefinition extends grpc.ServiceDefinition {
  DeleteRange: MethodDefinition<_ordo_v1_DeleteRangeRequest, _ordo_v1_DeleteRangeResponse, _ordo_v1_DeleteRangeRequest__Output, _ordo_v1_DeleteRangeResponse__Output>
  Put: MethodDefinition<_ordo_v1_PutRequest, _ordo_v1_PutResponse, _ordo_v1_PutRequest__Output, _ordo_v1_PutResponse__Output>
  Range: MethodDefinition<_ordo_v1_RangeRequest, _ordo_v1_RangeResponse, _ordo_v1_RangeRequest__Output, _ordo_v1_RangeResponse__Output>
  Txn: MethodDefinition<_ordo_v1_TxnRequest, _ordo_v1_TxnResponse, _ordo_v1_TxnRequest__Output, _ordo_v1_TxnResponse__Output>
}
