// Original file: proto/log.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AppendRequest as _ordo_v1_AppendRequest, AppendRequest__Output as _ordo_v1_AppendRequest__Output } from '../../ordo/v1/AppendRequest';
import type { AppendResponse as _ordo_v1_AppendResponse, AppendResponse__Output as _ordo_v1_AppendResponse__Output } from '../../ordo/v1/AppendResponse';
import type { CommitOffsetRequest as _ordo_v1_CommitOffsetRequest, CommitOffsetRequest__Output as _ordo_v1_CommitOffsetRequest__Output } from '../../ordo/v1/CommitOffsetRequest';
import type { CommitOffsetResponse as _ordo_v1_CommitOffsetResponse, CommitOffsetResponse__Output as _ordo_v1_CommitOffsetResponse__Output } from '../../ordo/v1/CommitOffsetResponse';
import type { CreateTopicRequest as _ordo_v1_CreateTopicRequest, CreateTopicRequest__Output as _ordo_v1_CreateTopicRequest__Output } from '../../ordo/v1/CreateTopicRequest';
import type { CreateTopicResponse as _ordo_v1_CreateTopicResponse, CreateTopicResponse__Output as _ordo_v1_CreateTopicResponse__Output } from '../../ordo/v1/CreateTopicResponse';
import type { DescribeTopicRequest as _ordo_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _ordo_v1_DescribeTopicRequest__Output } from '../../ordo/v1/DescribeTopicRequest';
import type { FetchOffsetRequest as _ordo_v1_FetchOffsetRequest, FetchOffsetRequest__Output as _ordo_v1_FetchOffsetRequest__Output } from '../../ordo/v1/FetchOffsetRequest';
import type { FetchOffsetResponse as _ordo_v1_FetchOffsetResponse, FetchOffsetResponse__Output as _ordo_v1_FetchOffsetResponse__Output } from '../../ordo/v1/FetchOffsetResponse';
import type { ListTopicsRequest as _ordo_v1_ListTopicsRequest, ListTopicsRequest__Output as _ordo_v1_ListTopicsRequest__Output } from '../../ordo/v1/ListTopicsRequest';
import type { ListTopicsResponse as _ordo_v1_ListTopicsResponse, ListTopicsResponse__Output as _ordo_v1_ListTopicsResponse__Output } from '../../ordo/v1/ListTopicsResponse';
import type { ReadRequest as _ordo_v1_ReadRequest, ReadRequest__Output as _ordo_v1_ReadRequest__Output } from '../../ordo/v1/ReadRequest';
import type { ReadResponse as _ordo_v1_ReadResponse, ReadResponse__Output as _ordo_v1_ReadResponse__Output } from '../../ordo/v1/ReadResponse';
import type { SubscribeRequest as _ordo_v1_SubscribeRequest, SubscribeRequest__Output as _ordo_v1_SubscribeRequest__Output } from '../../ordo/v1/SubscribeRequest';
import type { SubscribeResponse as _ordo_v1_SubscribeResponse, SubscribeResponse__Output as _ordo_v1_SubscribeResponse__Output } from '../../ordo/v1/SubscribeResponse';
import type { TopicInfo as _ordo_v1_TopicInfo, TopicInfo__Output as _ordo_v1_TopicInfo__Output } from '../../ordo/v1/TopicInfo';

export interface LogClient extends grpc.Client {
  Append(argument: _ordo_v1_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _ordo_v1_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _ordo_v1_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _ordo_v1_AppendRequest, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _ordo_v1_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _ordo_v1_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _ordo_v1_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _ordo_v1_AppendRequest, callback: grpc.requestCallback<_ordo_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  
  CommitOffset(argument: _ordo_v1_CommitOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _ordo_v1_CommitOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _ordo_v1_CommitOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _ordo_v1_CommitOffsetRequest, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _ordo_v1_CommitOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _ordo_v1_CommitOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _ordo_v1_CommitOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _ordo_v1_CommitOffsetRequest, callback: grpc.requestCallback<_ordo_v1_CommitOffsetResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopic(argument: _ordo_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _ordo_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _ordo_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _ordo_v1_CreateTopicRequest, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _ordo_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _ordo_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _ordo_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _ordo_v1_CreateTopicRequest, callback: grpc.requestCallback<_ordo_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTopic(argument: _ordo_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _ordo_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _ordo_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _ordo_v1_DescribeTopicRequest, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _ordo_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _ordo_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _ordo_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _ordo_v1_DescribeTopicRequest, callback: grpc.requestCallback<_ordo_v1_TopicInfo__Output>): grpc.ClientUnaryCall;
  
  FetchOffset(argument: _ordo_v1_FetchOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _ordo_v1_FetchOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _ordo_v1_FetchOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _ordo_v1_FetchOffsetRequest, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _ordo_v1_FetchOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _ordo_v1_FetchOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _ordo_v1_FetchOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _ordo_v1_FetchOffsetRequest, callback: grpc.requestCallback<_ordo_v1_FetchOffsetResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _ordo_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _ordo_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _ordo_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _ordo_v1_ListTopicsRequest, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _ordo_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _ordo_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _ordo_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _ordo_v1_ListTopicsRequest, callback: grpc.requestCallback<_ordo_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  Read(argument: _ordo_v1_ReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _ordo_v1_ReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _ordo_v1_ReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _ordo_v1_ReadRequest, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _ordo_v1_ReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _ordo_v1_ReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _ordo_v1_ReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _ordo_v1_ReadRequest, callback: grpc.requestCallback<_ordo_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _ordo_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_SubscribeResponse__Output>;
  Subscribe(argument: _ordo_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_SubscribeResponse__Output>;
  subscribe(argument: _ordo_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_SubscribeResponse__Output>;
  subscribe(argument: _ordo_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ordo_v1_SubscribeResponse__Output>;
  
}

export interface LogHandlers extends grpc.UntypedServiceImplementation {
  Append: grpc.handleUnaryCall<_ordo_v1_AppendRequest__Output, _ordo_v1_AppendResponse>;
  
  CommitOffset: grpc.handleUnaryCall<_ordo_v1_CommitOffsetRequest__Output, _ordo_v1_CommitOffsetResponse>;
  
  CreateTopic: grpc.handleUnaryCall<_ordo_v1_CreateTopicRequest__Output, _ordo_v1_CreateTopicResponse>;
  
  DescribeTopic: grpc.handleUnaryCall<_ordo_v1_DescribeTopicRequest__Output, _ordo_v1_TopicInfo>;
  
  FetchOffset: grpc.handleUnaryCall<_ordo_v1_FetchOffsetRequest__Output, _ordo_v1_FetchOffsetResponse>;
  
  ListTopics: grpc.handleUnaryCall<_ordo_v1_ListTopicsRequest__Output, _ordo_v1_ListTopicsResponse>;
  
  Read: grpc.handleUnaryCall<_ordo_v1_ReadRequest__Output, _ordo_v1_ReadResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_ordo_v1_SubscribeRequest__Output, _ordo_v1_SubscribeResponse>;
  
}

export interface LogDefinition extends grpc.ServiceDefinition {
  Append: MethodDefinition<_ordo_v1_AppendRequest, _ordo_v1_AppendResponse, _ordo_v1_AppendRequest__Output, _ordo_v1_AppendResponse__Output>
  CommitOffset: MethodDefinition<_ordo_v1_CommitOffsetRequest, _ordo_v1_CommitOffsetResponse, _ordo_v1_CommitOffsetRequest__Output, _ordo_v1_CommitOffsetResponse__Output>
  CreateTopic: MethodDefinition<_ordo_v1_CreateTopicRequest, _ordo_v1_CreateTopicResponse, _ordo_v1_CreateTopicRequest__Output, _ordo_v1_CreateTopicResponse__Output>
  DescribeTopic: MethodDefinition<_ordo_v1_DescribeTopicRequest, _ordo_v1_TopicInfo, _ordo_v1_DescribeTopicRequest__Output, _ordo_v1_TopicInfo__Output>
  FetchOffset: MethodDefinition<_ordo_v1_FetchOffsetRequest, _ordo_v1_FetchOffsetResponse, _ordo_v1_FetchOffsetRequest__Output, _ordo_v1_FetchOffsetResponse__Output>
  ListTopics: MethodDefinition<_ordo_v1_ListTopicsRequest, _ordo_v1_ListTopicsResponse, _ordo_v1_ListTopicsRequest__Output, _ordo_v1_ListTopicsResponse__Output>
  Read: MethodDefinition<_ordo_v1_ReadRequest, _ordo_v1_ReadResponse, _ordo_v1_ReadRequest__Output, _ordo_v1_ReadResponse__Output>
  Subscribe: MethodDefinition<_ordo_v1_SubscribeRequest, _ordo_v1_SubscribeResponse, _ordo_v1_SubscribeRequest__Output, _ordo_v1_SubscribeResponse__Output>
}
