import * as grpc from '@grpc/grpc-js';
import type { ForwardBatch } from '../../generated/ordo/raft/v1/ForwardBatch';
import type { ForwardClient } from '../../generated/ordo/raft/v1/Forward';
import type { ForwardReplies__Output } from '../../generated/ordo/raft/v1/ForwardReplies';
import type { ForwardReply__Output } from '../../generated/ordo/raft/v1/ForwardReply';
import type { ForwardRequest } from '../../generated/ordo/raft/v1/ForwardRequest';
import { peerChannelOptions } from '../../raft/transport/peer-link';
import { raftProto } from '../../rpc/proto';

/** A forwarded request the leader refused, or that the link lost: `code` is a gRPC status. */
export class ForwardError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly resolve: (r: ForwardReply__Output) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: number;
}

export type ForwardKind = Omit<ForwardRequest, 'id'>;

/**
 * One long-lived Forward stream to one peer: requests leave in batches (everything one
 * event-loop turn produced) and replies come back matched by id. A broken stream fails every
 * request in flight with UNAVAILABLE (the forwarder retries them, with the same session, so
 * nothing applies twice) and is reopened by the next request.
 */
export class ForwardLink {
  private readonly client: ForwardClient;
  private call: grpc.ClientDuplexStream<ForwardBatch, ForwardReplies__Output> | null = null;
  private readonly pending = new Map<number, Pending>();
  private queue: ForwardRequest[] = [];
  private flushScheduled = false;
  private nextId = 1;

  constructor(
    address: string,
    private readonly cluster: string,
  ) {
    const Forward = raftProto().ordo.raft.v1.Forward;
    this.client = new Forward(address, grpc.credentials.createInsecure(), peerChannelOptions(50, 1000));
  }

  request(kind: ForwardKind, deadline: number): Promise<ForwardReply__Output> {
    const id = this.nextId++;
    this.queue.push({ id, ...kind });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, deadline }));
  }

  /** Fails the requests whose deadline passed (the forwarder sweeps every link periodically). */
  expire(now: number): void {
    for (const [id, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(id);
      p.reject(new ForwardError(grpc.status.DEADLINE_EXCEEDED, 'the leader did not answer a forwarded request in time'));
    }
  }

  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    this.failAll('the forward link closed');
    this.call?.cancel();
    this.call = null;
    this.client.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const requests = this.queue;
    this.queue = [];
    this.stream().write({ cluster: this.cluster, requests });
  }

  private stream(): grpc.ClientDuplexStream<ForwardBatch, ForwardReplies__Output> {
    if (this.call) return this.call;
    const call = this.client.Stream();
    call.on('data', (batch: ForwardReplies__Output) => {
      for (const r of batch.replies) {
        const p = this.pending.get(r.id);
        if (!p) continue; // expired meanwhile
        this.pending.delete(r.id);
        if (r.code === 0) p.resolve(r);
        else p.reject(new ForwardError(r.code, r.message));
      }
    });
    const broken = (why: string) => {
      if (this.call !== call) return;
      this.call = null;
      this.failAll(why);
    };
    call.on('error', (e: Error) => broken(`forward stream failed: ${e.message}`));
    call.on('end', () => broken('forward stream ended'));
    this.call = call;
    return call;
  }

  private failAll(why: string): void {
    const err = new ForwardError(grpc.status.UNAVAILABLE, why);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
