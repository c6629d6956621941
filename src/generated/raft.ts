import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Entry as _ordo_raft_v1_Entry, Entry__Output as _ordo_raft_v1_Entry__Output } from './ordo/raft/v1/Entry';
import type { MessageBatch as _ordo_raft_v1_MessageBatch, MessageBatch__Output as _ordo_raft_v1_MessageBatch__Output } from './ordo/raft/v1/MessageBatch';
import type { PeerClient as _ordo_raft_v1_PeerClient, PeerDefinition as _ordo_raft_v1_PeerDefinition } from './ordo/raft/v1/Peer';
import type { RaftMessage as _ordo_raft_v1_RaftMessage, RaftMessage__Output as _ordo_raft_v1_RaftMessage__Output } from './ordo/raft/v1/RaftMessage';
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
        MessageBatch: MessageTypeDefinition<_ordo_raft_v1_MessageBatch, _ordo_raft_v1_MessageBatch__Output>
        MessageType: EnumTypeDefinition
        Peer: SubtypeConstructor<typeof grpc.Client, _ordo_raft_v1_PeerClient> & { service: _ordo_raft_v1_PeerDefinition }
        RaftMessage: MessageTypeDefinition<_ordo_raft_v1_RaftMessage, _ordo_raft_v1_RaftMessage__Output>
        SendAck: MessageTypeDefinition<_ordo_raft_v1_SendAck, _ordo_raft_v1_SendAck__Output>
      }
    }
  }
}

