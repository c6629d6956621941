import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AppendRequest as _ordo_v1_AppendRequest, AppendRequest__Output as _ordo_v1_AppendRequest__Output } from './ordo/v1/AppendRequest';
import type { AppendResponse as _ordo_v1_AppendResponse, AppendResponse__Output as _ordo_v1_AppendResponse__Output } from './ordo/v1/AppendResponse';
import type { CommitOffsetRequest as _ordo_v1_CommitOffsetRequest, CommitOffsetRequest__Output as _ordo_v1_CommitOffsetRequest__Output } from './ordo/v1/CommitOffsetRequest';
import type { CommitOffsetResponse as _ordo_v1_CommitOffsetResponse, CommitOffsetResponse__Output as _ordo_v1_CommitOffsetResponse__Output } from './ordo/v1/CommitOffsetResponse';
import type { CreateTopicRequest as _ordo_v1_CreateTopicRequest, CreateTopicRequest__Output as _ordo_v1_CreateTopicRequest__Output } from './ordo/v1/CreateTopicRequest';
import type { CreateTopicResponse as _ordo_v1_CreateTopicResponse, CreateTopicResponse__Output as _ordo_v1_CreateTopicResponse__Output } from './ordo/v1/CreateTopicResponse';
import type { DescribeTopicRequest as _ordo_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _ordo_v1_DescribeTopicRequest__Output } from './ordo/v1/DescribeTopicRequest';
import type { FetchOffsetRequest as _ordo_v1_FetchOffsetRequest, FetchOffsetRequest__Output as _ordo_v1_FetchOffsetRequest__Output } from './ordo/v1/FetchOffsetRequest';
import type { FetchOffsetResponse as _ordo_v1_FetchOffsetResponse, FetchOffsetResponse__Output as _ordo_v1_FetchOffsetResponse__Output } from './ordo/v1/FetchOffsetResponse';
import type { ListTopicsRequest as _ordo_v1_ListTopicsRequest, ListTopicsRequest__Output as _ordo_v1_ListTopicsRequest__Output } from './ordo/v1/ListTopicsRequest';
import type { ListTopicsResponse as _ordo_v1_ListTopicsResponse, ListTopicsResponse__Output as _ordo_v1_ListTopicsResponse__Output } from './ordo/v1/ListTopicsResponse';
import type { LogClient as _ordo_v1_LogClient, LogDefinition as _ordo_v1_LogDefinition } from './ordo/v1/Log';
import type { Producer as _ordo_v1_Producer, Producer__Output as _ordo_v1_Producer__Output } from './ordo/v1/Producer';
import type { ReadRequest as _ordo_v1_ReadRequest, ReadRequest__Output as _ordo_v1_ReadRequest__Output } from './ordo/v1/ReadRequest';
import type { ReadResponse as _ordo_v1_ReadResponse, ReadResponse__Output as _ordo_v1_ReadResponse__Output } from './ordo/v1/ReadResponse';
import type { Record as _ordo_v1_Record, Record__Output as _ordo_v1_Record__Output } from './ordo/v1/Record';
import type { RecordHeader as _ordo_v1_RecordHeader, RecordHeader__Output as _ordo_v1_RecordHeader__Output } from './ordo/v1/RecordHeader';
import type { SubscribeRequest as _ordo_v1_SubscribeRequest, SubscribeRequest__Output as _ordo_v1_SubscribeRequest__Output } from './ordo/v1/SubscribeRequest';
import type { SubscribeResponse as _ordo_v1_SubscribeResponse, SubscribeResponse__Output as _ordo_v1_SubscribeResponse__Output } from './ordo/v1/SubscribeResponse';
import type { TopicInfo as _ordo_v1_TopicInfo, TopicInfo__Output as _ordo_v1_TopicInfo__Output } from './ordo/v1/TopicInfo';
import type { TopicPolicy as _ordo_v1_TopicPolicy, TopicPolicy__Output as _ordo_v1_TopicPolicy__Output } from './ordo/v1/TopicPolicy';
import type { WatchClient as _ordo_v1_WatchClient, WatchDefinition as _ordo_v1_WatchDefinition } from './ordo/v1/Watch';
import type { WatchEvent as _ordo_v1_WatchEvent, WatchEvent__Output as _ordo_v1_WatchEvent__Output } from './ordo/v1/WatchEvent';
import type { WatchRequest as _ordo_v1_WatchRequest, WatchRequest__Output as _ordo_v1_WatchRequest__Output } from './ordo/v1/WatchRequest';
import type { WatchResponse as _ordo_v1_WatchResponse, WatchResponse__Output as _ordo_v1_WatchResponse__Output } from './ordo/v1/WatchResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ordo: {
    v1: {
      AppendRequest: MessageTypeDefinition<_ordo_v1_AppendRequest, _ordo_v1_AppendRequest__Output>
      AppendResponse: MessageTypeDefinition<_ordo_v1_AppendResponse, _ordo_v1_AppendResponse__Output>
      CommitOffsetRequest: MessageTypeDefinition<_ordo_v1_CommitOffsetRequest, _ordo_v1_CommitOffsetRequest__Output>
      CommitOffsetResponse: MessageTypeDefinition<_ordo_v1_CommitOffsetResponse, _ordo_v1_CommitOffsetResponse__Output>
      CreateTopicRequest: MessageTypeDefinition<_ordo_v1_CreateTopicRequest, _ordo_v1_CreateTopicRequest__Output>
      CreateTopicResponse: MessageTypeDefinition<_ordo_v1_CreateTopicResponse, _ordo_v1_CreateTopicResponse__Output>
      DescribeTopicRequest: MessageTypeDefinition<_ordo_v1_DescribeTopicRequest, _ordo_v1_DescribeTopicRequest__Output>
      FetchOffsetRequest: MessageTypeDefinition<_ordo_v1_FetchOffsetRequest, _ordo_v1_FetchOffsetRequest__Output>
      FetchOffsetResponse: MessageTypeDefinition<_ordo_v1_FetchOffsetResponse, _ordo_v1_FetchOffsetResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_ordo_v1_ListTopicsRequest, _ordo_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_ordo_v1_ListTopicsResponse, _ordo_v1_ListTopicsResponse__Output>
      Log: SubtypeConstructor<typeof grpc.Client, _ordo_v1_LogClient> & { service: _ordo_v1_LogDefinition }
      Producer: MessageTypeDefinition<_ordo_v1_Producer, _ordo_v1_Producer__Output>
      ReadRequest: MessageTypeDefinition<_ordo_v1_ReadRequest, _ordo_v1_ReadRequest__Output>
      ReadResponse: MessageTypeDefinition<_ordo_v1_ReadResponse, _ordo_v1_ReadResponse__Output>
      Record: MessageTypeDefinition<_ordo_v1_Record, _ordo_v1_Record__Output>
      RecordHeader: MessageTypeDefinition<_ordo_v1_RecordHeader, _ordo_v1_RecordHeader__Output>
      SubscribeRequest: MessageTypeDefinition<_ordo_v1_SubscribeRequest, _ordo_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_ordo_v1_SubscribeResponse, _ordo_v1_SubscribeResponse__Output>
      TopicInfo: MessageTypeDefinition<_ordo_v1_TopicInfo, _ordo_v1_TopicInfo__Output>
      TopicPolicy: MessageTypeDefinition<_ordo_v1_TopicPolicy, _ordo_v1_TopicPolicy__Output>
      Watch: SubtypeConstructor<typeof grpc.Client, _ordo_v1_WatchClient> & { service: _ordo_v1_WatchDefinition }
      WatchEvent: MessageTypeDefinition<_ordo_v1_WatchEvent, _ordo_v1_WatchEvent__Output>
      WatchRequest: MessageTypeDefinition<_ordo_v1_WatchRequest, _ordo_v1_WatchRequest__Output>
      WatchResponse: MessageTypeDefinition<_ordo_v1_WatchResponse, _ordo_v1_WatchResponse__Output>
    }
  }
}

