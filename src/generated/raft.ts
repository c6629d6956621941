import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Entry as _ordo_raft_v1_Entry, Entry__Output as _ordo_raft_v1_Entry__Output } from './ordo/raft/v1/Entry';
import type { ForwardClient as _ordo_raft_v1_ForwardClient, ForwardDefinition as _ordo_raft_v1_ForwardDefinition } from './ordo/raft/v1/Forward';
import type { ForwardBatch as _ordo_raft_v1_ForwardBatch, ForwardBatch__Output as _ordo_raft_v1_ForwardBatch__Output } from './ordo/raft/v1/ForwardBatch';
import type { ForwardReplies as _ordo_raft_v1_ForwardReplies, ForwardReplies__Output as _ordo_raft_v1_ForwardReplies__Output } from './ordo/raft/v1/ForwardReplies';
import type { ForwardReply as _ordo_raft_v1_ForwardReply, ForwardReply__Output as _ordo_raft_v1_ForwardReply__Output } from './ordo/raft/v1/ForwardReply';
import type { ForwardRequest as _ordo_raft_v1_ForwardRequest, ForwardRequest__Output as _ordo_raft_v1_ForwardRequest__Output } from './ordo/raft/v1/ForwardRequest';
import type { MessageBatch as _ordo_raft_v1_MessageBatch, MessageBatch__Output as _ordo_raft_v1_MessageBatch__Output } from './ordo/raft/v1/MessageBatch';
import type { PeerClient as _ordo_raft_v1_PeerClient, PeerDefinition as _ordo_raft_v1_PeerDefinition } from './ordo/raft/v1/Peer';
import type { RaftMessage as _ordo_raft_v1_RaftMessage, RaftMessage__Output as _ordo_raft_v1_RaftMessage__Output } from './ordo/raft/v1/RaftMessage';
import type { SendAck as _ordo_raft_v1_SendAck, SendAck__Output as _ordo_raft_v1_SendAck__Output } from './ordo/raft/v1/SendAck';
import type { SnapshotAck as _ordo_raft_v1_SnapshotAck, SnapshotAck__Output as _ordo_raft_v1_SnapshotAck__Output } from './ordo/raft/v1/SnapshotAck';
import type { SnapshotChunk as _ordo_raft_v1_SnapshotChunk, SnapshotChunk__Output as _ordo_raft_v1_SnapshotChunk__Output } from './ordo/raft/v1/SnapshotChunk';

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
        ForwardBatch: MessageTypeDefinition<_ordo_raft_v1_ForwardBatch, _ordo_raft_v1_ForwardBatch__Output>
        ForwardReplies: MessageTypeDefinition<_ordo_raft_v1_ForwardReplies, _ordo_raft_v1_ForwardReplies__Output>
        ForwardReply: MessageTypeDefinition<_ordo_raft_v1_ForwardReply, _ordo_raft_v1_ForwardReply__Output>
        ForwardRequest: MessageTypeDefinition<_ordo_raft_v1_ForwardRequest, _ordo_raft_v1_ForwardRequest__Output>
        MessageBatch: MessageTypeDefinition<_ordo_raft_v1_MessageBatch, _ordo_raft_v1_MessageBatch__Output>
        MessageType: EnumTypeDefinition
        Peer: SubtypeConstructor<typeof grpc.Client, _ordo_raft_v1_PeerClient> & { service: _ordo_raft_v1_PeerDefinition }
        RaftMessage: MessageTypeDefinition<_ordo_raft_v1_RaftMessage, _ordo_raft_v1_RaftMessage__Output>
        SendAck: MessageTypeDefinition<_ordo_raft_v1_SendAck, _ordo_raft_v1_SendAck__Output>
        SnapshotAck: MessageTypeDefinition<_ordo_raft_v1_SnapshotAck, _ordo_raft_v1_SnapshotAck__Output>
        SnapshotChunk: MessageTypeDefinition<_ordo_raft_v1_SnapshotChunk, _ordo_raft_v1_SnapshotChunk__Output>
      }
    }
  }
}

