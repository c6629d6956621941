// Original file: proto/log.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { WatchRequest as _ordo_v1_WatchRequest, WatchRequest__Output as _ordo_v1_WatchRequest__Output } from '../../ordo/v1/WatchRequest';
import type { WatchResponse as _ordo_v1_WatchResponse, WatchResponse__Output as _ordo_v1_WatchResponse__Output } from '../../ordo/v1/WatchResponse';

export interface WatchClient extends grpc.Client {
  Watch(argument: _ordo_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_WatchResponse__Output>;
  Watch(argument: _ordo_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_WatchResponse__Output>;
  watch(argument: _ordo_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_WatchResponse__Output>;
  watch(argument: _ordo_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_WatchResponse__Output>;
  
}

export interface WatchHandlers extends grpc.UntypedServiceImplementation {
  Watch: grpc.handleServerStreamingCall<_ordo_v1_WatchRequest__Output, _ordo_v1_WatchResponse>;
  
}

export interface WatchDefinition extends grpc.ServiceDefinition {
  Watch: MethodDefinition<_ordo_v1_WatchRequest, _ordo_v1_WatchResponse, _ordo_v1_WatchRequest__Output, _ordo_v1_WatchResponse__Output>
}
