import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterClient as _ordo_v1_ClusterClient, ClusterDefinition as _ordo_v1_ClusterDefinition } from './ordo/v1/Cluster';
import type { Compare as _ordo_v1_Compare, Compare__Output as _ordo_v1_Compare__Output } from './ordo/v1/Compare';
import type { DeleteRangeRequest as _ordo_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _ordo_v1_DeleteRangeRequest__Output } from './ordo/v1/DeleteRangeRequest';
import type { DeleteRangeResponse as _ordo_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _ordo_v1_DeleteRangeResponse__Output } from './ordo/v1/DeleteRangeResponse';
import type { KVClient as _ordo_v1_KVClient, KVDefinition as _ordo_v1_KVDefinition } from './ordo/v1/KV';
import type { KeyValue as _ordo_v1_KeyValue, KeyValue__Output as _ordo_v1_KeyValue__Output } from './ordo/v1/KeyValue';
import type { Member as _ordo_v1_Member, Member__Output as _ordo_v1_Member__Output } from './ordo/v1/Member';
import type { MemberAddRequest as _ordo_v1_MemberAddRequest, MemberAddRequest__Output as _ordo_v1_MemberAddRequest__Output } from './ordo/v1/MemberAddRequest';
import type { MemberChangeResponse as _ordo_v1_MemberChangeResponse, MemberChangeResponse__Output as _ordo_v1_MemberChangeResponse__Output } from './ordo/v1/MemberChangeResponse';
import type { MemberListRequest as _ordo_v1_MemberListRequest, MemberListRequest__Output as _ordo_v1_MemberListRequest__Output } from './ordo/v1/MemberListRequest';
import type { MemberListResponse as _ordo_v1_MemberListResponse, MemberListResponse__Output as _ordo_v1_MemberListResponse__Output } from './ordo/v1/MemberListResponse';
import type { MemberPromoteRequest as _ordo_v1_MemberPromoteRequest, MemberPromoteRequest__Output as _ordo_v1_MemberPromoteRequest__Output } from './ordo/v1/MemberPromoteRequest';
import type { MemberRemoveRequest as _ordo_v1_MemberRemoveRequest, MemberRemoveRequest__Output as _ordo_v1_MemberRemoveRequest__Output } from './ordo/v1/MemberRemoveRequest';
import type { PutRequest as _ordo_v1_PutRequest, PutRequest__Output as _ordo_v1_PutRequest__Output } from './ordo/v1/PutRequest';
import type { PutResponse as _ordo_v1_PutResponse, PutResponse__Output as _ordo_v1_PutResponse__Output } from './ordo/v1/PutResponse';
import type { RangeRequest as _ordo_v1_RangeRequest, RangeRequest__Output as _ordo_v1_RangeRequest__Output } from './ordo/v1/RangeRequest';
import type { RangeResponse as _ordo_v1_RangeResponse, RangeResponse__Output as _ordo_v1_RangeResponse__Output } from './ordo/v1/RangeResponse';
import type { RequestOp as _ordo_v1_RequestOp, RequestOp__Output as _ordo_v1_RequestOp__Output } from './ordo/v1/RequestOp';
import type { ResponseHeader as _ordo_v1_ResponseHeader, ResponseHeader__Output as _ordo_v1_ResponseHeader__Output } from './ordo/v1/ResponseHeader';
import type { ResponseOp as _ordo_v1_ResponseOp, ResponseOp__Output as _ordo_v1_ResponseOp__Output } from './ordo/v1/ResponseOp';
import type { Session as _ordo_v1_Session, Session__Output as _ordo_v1_Session__Output } from './ordo/v1/Session';
import type { StatusRequest as _ordo_v1_StatusRequest, StatusRequest__Output as _ordo_v1_StatusRequest__Output } from './ordo/v1/StatusRequest';
import type { StatusResponse as _ordo_v1_StatusResponse, StatusResponse__Output as _ordo_v1_StatusResponse__Output } from './ordo/v1/StatusResponse';
import type { TxnRequest as _ordo_v1_TxnRequest, TxnRequest__Output as _ordo_v1_TxnRequest__Output } from './ordo/v1/TxnRequest';
import type { TxnResponse as _ordo_v1_TxnResponse, TxnResponse__Output as _ordo_v1_TxnResponse__Output } from './ordo/v1/TxnResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ordo: {
    v1: {
      Cluster: SubtypeConstructor<typeof grpc.Client, _ordo_v1_ClusterClient> & { service: _ordo_v1_ClusterDefinition }
      Compare: MessageTypeDefinition<_ordo_v1_Compare, _ordo_v1_Compare__Output>
      DeleteRangeRequest: MessageTypeDefinition<_ordo_v1_DeleteRangeRequest, _ordo_v1_DeleteRangeRequest__Output>
      DeleteRangeResponse: MessageTypeDefinition<_ordo_v1_DeleteRangeResponse, _ordo_v1_DeleteRangeResponse__Output>
      KV: SubtypeConstructor<typeof grpc.Client, _ordo_v1_KVClient> & { service: _ordo_v1_KVDefinition }
      KeyValue: MessageTypeDefinition<_ordo_v1_KeyValue, _ordo_v1_KeyValue__Output>
      Member: MessageTypeDefinition<_ordo_v1_Member, _ordo_v1_Member__Output>
      MemberAddRequest: MessageTypeDefinition<_ordo_v1_MemberAddRequest, _ordo_v1_MemberAddRequest__Output>
      MemberChangeResponse: MessageTypeDefinition<_ordo_v1_MemberChangeResponse, _ordo_v1_MemberChangeResponse__Output>
      MemberListRequest: MessageTypeDefinition<_ordo_v1_MemberListRequest, _ordo_v1_MemberListRequest__Output>
      MemberListResponse: MessageTypeDefinition<_ordo_v1_MemberListResponse, _ordo_v1_MemberListResponse__Output>
      MemberPromoteRequest: MessageTypeDefinition<_ordo_v1_MemberPromoteRequest, _ordo_v1_MemberPromoteRequest__Output>
      MemberRemoveRequest: MessageTypeDefinition<_ordo_v1_MemberRemoveRequest, _ordo_v1_MemberRemoveRequest__Output>
      PutRequest: MessageTypeDefinition<_ordo_v1_PutRequest, _ordo_v1_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_ordo_v1_PutResponse, _ordo_v1_PutResponse__Output>
      RangeRequest: MessageTypeDefinition<_ordo_v1_RangeRequest, _ordo_v1_RangeRequest__Output>
      RangeResponse: MessageTypeDefinition<_ordo_v1_RangeResponse, _ordo_v1_RangeResponse__Output>
      RequestOp: MessageTypeDefinition<_ordo_v1_RequestOp, _ordo_v1_RequestOp__Output>
      ResponseHeader: MessageTypeDefinition<_ordo_v1_ResponseHeader, _ordo_v1_ResponseHeader__Output>
      ResponseOp: MessageTypeDefinition<_ordo_v1_ResponseOp, _ordo_v1_ResponseOp__Output>
      Session: MessageTypeDefinition<_ordo_v1_Session, _ordo_v1_Session__Output>
      StatusRequest: MessageTypeDefinition<_ordo_v1_StatusRequest, _ordo_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_ordo_v1_StatusResponse, _ordo_v1_StatusResponse__Output>
      TxnRequest: MessageTypeDefinition<_ordo_v1_TxnRequest, _ordo_v1_TxnRequest__Output>
      TxnResponse: MessageTypeDefinition<_ordo_v1_TxnResponse, _ordo_v1_TxnResponse__Output>
    }
  }
}

