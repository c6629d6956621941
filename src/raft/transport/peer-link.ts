import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MessageBatch } from '../../generated/ordo/raft/v1/MessageBatch';
import type { SendAck__Output } from '../../generated/ordo/raft/v1/SendAck';
import type { SnapshotChunk } from '../../generated/ordo/raft/v1/SnapshotChunk';
import type { PeerClient } from '../../generated/ordo/raft/v1/Peer';
import { GRPC_MESSAGE_BYTES_MAX, raftProto } from '../../rpc/proto';
import type { Message, NodeId } from '../core/types';
import { encodeMessage } from './codec';

export interface PeerLinkLimits {
  /** Messages queued for a slow or absent peer before the oldest are dropped (Raft tolerates loss). */
  readonly queuedMessagesMax: number;
  /** Messages per batch written to the stream. */
  readonly batchMessagesMax: number;
  readonly reconnectDelayMsMin: number;
  readonly reconnectDelayMsMax: number;
}

export const defaultPeerLinkLimits: PeerLinkLimits = {
  queuedMessagesMax: 4096,
  batchMessagesMax: 512,
  reconnectDelayMsMin: 50,
  reconnectDelayMsMax: 1000,
};

/** Channel options for every peer-port connection: large messages, quick dead-peer detection and reconnects. */
export function peerChannelOptions(reconnectMsMin: number, reconnectMsMax: number): grpc.ChannelOptions {
  return {
    'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
    'grpc.keepalive_time_ms': 2000,
    'grpc.keepalive_timeout_ms': 2000,
    'grpc.initial_reconnect_backoff_ms': reconnectMsMin,
    'grpc.max_reconnect_backoff_ms': reconnectMsMax,
  };
}

/**
 * One long-lived client stream to one peer. Messages queue (bounded) and leave in batches, one
 * write per event-loop turn; a broken stream is reopened with exponential backoff, and what it
 * carried is simply lost, which Raft's retries cover.
 */
export class PeerLink {
  private readonly client: PeerClient;
  private call: grpc.ClientWritableStream<MessageBatch> | null = null;
  private queue: Message[] = [];
  private flushScheduled = false;
  private writable = true;
  private reconnectDelayMs: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  dropped = 0;

  constructor(
    readonly peerId: NodeId,
    readonly address: string,
    private readonly cluster: string,
    private readonly log: Logger,
    /** This node's own peer address, sent along so that a peer who does not know it can answer. */
    private readonly fromAddress = '',
    private readonly limits: PeerLinkLimits = defaultPeerLinkLimits,
  ) {
    const Peer = raftProto().ordo.raft.v1.Peer;
    this.client = new Peer(address, grpc.credentials.createInsecure(), peerChannelOptions(limits.reconnectDelayMsMin, limits.reconnectDelayMsMax));
    this.reconnectDelayMs = limits.reconnectDelayMsMin;
  }

  send(msgs: readonly Message[]): void {
    if (this.closed) return;
    this.queue.push(...msgs);
    const excess = this.queue.length - this.limits.queuedMessagesMax;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.dropped += excess;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** A client stream for one InstallSnapshot transfer (SnapshotSender), on this link's channel. */
  openSnapshotStream(done: (err: Error | null) => void): grpc.ClientWritableStream<SnapshotChunk> | null {
    if (this.closed) return null;
    return this.client.installSnapshot((err: grpc.ServiceError | null) => done(err));
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.call?.end();
    this.call = null;
    this.client.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.queue.length === 0 || this.reconnectTimer) return;
    const call = this.call ?? this.open();
    while (this.queue.length > 0 && this.writable) {
      const batch = this.queue.splice(0, this.limits.batchMessagesMax);
      this.writable = call.write({ cluster: this.cluster, messages: batch.map(encodeMessage), fromAddress: this.fromAddress });
    }
  }

  private open(): grpc.ClientWritableStream<MessageBatch> {
    const call = this.client.send((err: grpc.ServiceError | null, _ack?: SendAck__Output) => this.onStreamEnd(call, err));
    call.on('drain', () => {
      this.writable = true;
      this.reconnectDelayMs = this.limits.reconnectDelayMsMin; // the peer reads: the link is healthy
      this.flush();
    });
    this.call = call;
    this.writable = true;
    return call;
  }

  private onStreamEnd(call: grpc.ClientWritableStream<MessageBatch>, err: grpc.ServiceError | null): void {
    if (this.call !== call) return;
    this.call = null;
    if (this.closed) return;
    this.log.debug({ peer: this.peerId, address: this.address, err: err?.message }, 'peer stream ended; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.flush();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, this.limits.reconnectDelayMsMax);
  }
}
