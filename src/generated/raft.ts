import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Entry as _ordo_raft_v1_Entry, Entry__Output as _ordo_raft_v1_Entry__Output } from './ordo/raft/v1/Entry';
import type { ForwardClient as _ordo_raft_v1_ForwardClient, ForwardDefinition as _ordo_raft_v1_ForwardDefinition } from './ordo/raft/v1/Forward';
import type { ForwardHeader as _ordo_raft_v1_ForwardHeader, ForwardHeader__Output as _ordo_raft_v1_ForwardHeader__Output } from './ordo/raft/v1/ForwardHeader';
import type { LeaseRequest as _ordo_raft_v1_LeaseRequest, LeaseRequest__Output as _ordo_raft_v1_LeaseRequest__Output } from './ordo/raft/v1/LeaseRequest';
import type { LeaseResponse as _ordo_raft_v1_LeaseResponse, LeaseResponse__Output as _ordo_raft_v1_LeaseResponse__Output } from './ordo/raft/v1/LeaseResponse';
import type { MessageBatch as _ordo_raft_v1_MessageBatch, MessageBatch__Output as _ordo_raft_v1_MessageBatch__Output } from './ordo/raft/v1/MessageBatch';
import type { PeerClient as _ordo_raft_v1_PeerClient, PeerDefinition as _ordo_raft_v1_PeerDefinition } from './ordo/raft/v1/Peer';
import type { ProposeRequest as _ordo_raft_v1_ProposeRequest, ProposeRequest__Output as _ordo_raft_v1_ProposeRequest__Output } from './ordo/raft/v1/ProposeRequest';
import type { ProposeResponse as _ordo_raft_v1_ProposeResponse, ProposeResponse__Output as _ordo_raft_v1_ProposeResponse__Output } from './ordo/raft/v1/ProposeResponse';
import type { RaftMessage as _ordo_raft_v1_RaftMessage, RaftMessage__Output as _ordo_raft_v1_RaftMessage__Output } from './ordo/raft/v1/RaftMessage';
import type { ReadIndexResponse as _ordo_raft_v1_ReadIndexResponse, ReadIndexResponse__Output as _ordo_raft_v1_ReadIndexResponse__Output } from './ordo/raft/v1/ReadIndexResponse';
import type { SendAck as _ordo_raft_v1_SendAck, SendAck__Output as _ordo_raft_v1_SendAck__Output } from './ordo/raft/v1/SendAck';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ordo: {
    raft: {
      v1: {
        Entry: MessageTypeDefinition<_ordo_raft_v1_Entry, _ordo_raft_v1_Entry__Output>
        EntryType: EnumTypeDefinition
        Forward: SubtypeConstructor<typeof grpc.Client, _ordo_raft_v1_ForwardClient> & { service: _ordo_raft_v1_ForwardDefinition }
        ForwardHeader: MessageTypeDefinition<_ordo_raft_v1_ForwardHeader, _ordo_raft_v1_ForwardHeader__Output>
        LeaseRequest: MessageTypeDefinition<_ordo_raft_v1_LeaseRequest, _ordo_raft_v1_LeaseRequest__Output>
        LeaseResponse: MessageTypeDefinition<_ordo_raft_v1_LeaseResponse, _ordo_raft_v1_LeaseResponse__Output>
        MessageBatch: MessageTypeDefinition<_ordo_raft_v1_MessageBatch, _ordo_raft_v1_MessageBatch__Output>
        MessageType: EnumTypeDefinition
        Peer: SubtypeConstructor<typeof grpc.Client, _ordo_raft_v1_PeerClient> & { service: _ordo_raft_v1_PeerDefinition }
        ProposeRequest: MessageTypeDefinition<_ordo_raft_v1_ProposeRequest, _ordo_raft_v1_ProposeRequest__Output>
        ProposeResponse: MessageTypeDefinition<_ordo_raft_v1_ProposeResponse, _ordo_raft_v1_ProposeResponse__Output>
        RaftMessage: MessageTypeDefinition<_ordo_raft_v1_RaftMessage, _ordo_raft_v1_RaftMessage__Output>
        ReadIndexResponse: MessageTypeDefinition<_ordo_raft_v1_ReadIndexResponse, _ordo_raft_v1_ReadIndexResponse__Output>
        SendAck: MessageTypeDefinition<_ordo_raft_v1_SendAck, _ordo_raft_v1_SendAck__Output>
      }
    }
  }
}

