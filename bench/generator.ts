import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import type { KVClient } from '../src/generated/etcd/etcdserverpb/KV';
import type { PutRequest } from '../src/generated/etcd/etcdserverpb/PutRequest';
import type { RangeRequest } from '../src/generated/etcd/etcdserverpb/RangeRequest';
import type { AppendRequest } from '../src/generated/ordo/v1/AppendRequest';
import type { LogClient } from '../src/generated/ordo/v1/Log';
import { logProto } from '../src/rpc/proto';
import { Histogram } from './histogram';
import { kvClient, newChannel } from './targets/common';

/**
 * The closed-loop load generator: `inflight` slots, each issuing its next request the moment the
 * previous one completes. Requests are preallocated per slot (a slot only changes its own request's
 * key, and only after the previous call has completed, so it was serialized long before). No
 * per-op logging, closures or promises: one callback per slot, created once.
 */
export type OpKind = 'put' | 'get' | 'get-serializable' | 'append';

export interface GeneratorOptions {
  readonly kind: OpKind;
  /** Slots are spread round-robin over these (append: the leader's alone). */
  readonly endpoints: readonly string[];
  /** gRPC channels in total, at least one per endpoint; each its own TCP connection. */
  readonly connections: number;
  readonly inflight: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Distinct keys, each keyBytes long; every request picks one at random. */
  readonly keys: readonly Buffer[];
  readonly value: Buffer;
  /** append only: batches of `records` records, each of them `value`, to `topic`. */
  readonly append?: { readonly topic: string; readonly records: number };
  readonly timeoutMs: number;
  readonly label: string;
  readonly progress: (line: string) => void;
  /** Called right after warm-up, when counting starts, and when it ends (CPU snapshots). */
  readonly onWindowStart: () => void;
  readonly onWindowEnd: () => void;
}

export interface GeneratorResult {
  /** Successful calls completed inside the measured window. */
  readonly calls: number;
  readonly seconds: number;
  readonly hist: Histogram;
  /** Failed calls inside the window by gRPC status name, and one message of each. */
  readonly errors: Record<string, number>;
  readonly errorSamples: Record<string, string>;
  readonly warmupErrors: number;
}

type Callback = (err: grpc.ServiceError | null) => void;

/** Channel c connects to endpoint c % E; slot s uses endpoint s % E and one of its channels in turn. */
export function spreadSlots(endpoints: number, connections: number, inflight: number): { channelEndpoint: number[]; slotChannel: number[] } {
  const n = Math.max(connections, endpoints);
  const channelEndpoint = Array.from({ length: n }, (_, c) => c % endpoints);
  const perEndpoint = Array.from({ length: endpoints }, (_, e) => channelEndpoint.flatMap((ep, c) => (ep === e ? [c] : [])));
  const slotChannel = Array.from({ length: inflight }, (_, s) => {
    const chans = perEndpoint[s % endpoints];
    return chans[Math.floor(s / endpoints) % chans.length];
  });
  return { channelEndpoint, slotChannel };
}

export function runGenerator(o: GeneratorOptions): Promise<GeneratorResult> {
  const { channelEndpoint, slotChannel } = spreadSlots(o.endpoints.length, o.connections, o.inflight);
  const channels = channelEndpoint.map((e) => newChannel(o.endpoints[e]));
  const LogCtor = logProto().ordo.v1.Log;
  const creds = grpc.credentials.createInsecure();
  const kv: KVClient[] = channels.map((ch, c) => kvClient(o.endpoints[channelEndpoint[c]], ch));
  const logs: LogClient[] = o.kind === 'append' ? channels.map((ch, c) => new LogCtor(o.endpoints[channelEndpoint[c]], creds, { channelOverride: ch })) : [];

  const hist = new Histogram();
  const second = new Histogram();
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  let calls = 0;
  let secondCalls = 0;
  let secondErrors = 0;
  let warmupErrors = 0;
  let measuring = false;
  let stopping = false;
  let inFlight = 0;
  let windowStart = 0;
  let windowSeconds = 0;
  const nKeys = o.keys.length;
  const t0 = performance.now();

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      clearTimeout(forceEnd);
      for (const c of [...kv, ...logs]) c.close();
      for (const ch of channels) ch.close();
      resolve({ calls, seconds: windowSeconds, hist, errors, errorSamples, warmupErrors });
    };
    let forceEnd: NodeJS.Timeout | undefined;

    const startSlot = (s: number): void => {
      let began = 0;
      let send: (cb: Callback) => void;
      let pick: () => void = () => undefined;
      const c = slotChannel[s];
      if (o.kind === 'put') {
        const req: PutRequest = { key: o.keys[0], value: o.value };
        pick = () => (req.key = o.keys[(Math.random() * nKeys) | 0]);
        send = (cb) => kv[c].put(req, { deadline: Date.now() + o.timeoutMs }, cb);
      } else if (o.kind === 'get' || o.kind === 'get-serializable') {
        const req: RangeRequest = { key: o.keys[0], serializable: o.kind === 'get-serializable' };
        pick = () => (req.key = o.keys[(Math.random() * nKeys) | 0]);
        send = (cb) => kv[c].range(req, { deadline: Date.now() + o.timeoutMs }, cb);
      } else {
        const a = o.append!;
        const record = { value: o.value };
        const req: AppendRequest = { topic: a.topic, records: Array.from({ length: a.records }, () => record) };
        send = (cb) => logs[c].append(req, { deadline: Date.now() + o.timeoutMs }, cb);
      }
      const issue = (): void => {
        if (stopping) {
          if (inFlight === 0) finish();
          return;
        }
        pick();
        inFlight++;
        began = performance.now();
        send(done);
      };
      const done: Callback = (err) => {
        const us = (performance.now() - began) * 1000;
        inFlight--;
        if (err === null) {
          if (measuring) {
            hist.record(us);
            calls++;
          }
          second.record(us);
          secondCalls++;
          issue();
        } else {
          const code = grpc.status[err.code] ?? String(err.code);
          if (measuring) {
            errors[code] = (errors[code] ?? 0) + 1;
            errorSamples[code] ??= err.details || err.message;
          } else if (!stopping) {
            warmupErrors++;
            errorSamples[code] ??= err.details || err.message;
          }
          secondErrors++;
          setTimeout(issue, 10); // never spin on a refusing server
        }
      };
      issue();
    };

    setTimeout(() => {
      hist.reset();
      calls = 0;
      windowStart = performance.now();
      measuring = true;
      o.onWindowStart();
    }, o.warmupS * 1000);
    setTimeout(() => {
      windowSeconds = (performance.now() - windowStart) / 1000;
      measuring = false;
      stopping = true;
      o.onWindowEnd();
      if (inFlight === 0) finish();
      forceEnd = setTimeout(finish, o.timeoutMs + 1000); // calls still out are cancelled by close()
    }, (o.warmupS + o.durationS) * 1000);

    let lastTick = t0;
    const ticker = setInterval(() => {
      const now = performance.now();
      const perS = (n: number) => n / ((now - lastTick) / 1000);
      const unit = o.append ? `${fmt(perS(secondCalls * o.append.records))} records/s` : `${fmt(perS(secondCalls))} ops/s`;
      const phase = stopping ? 'drain ' : measuring ? 'run   ' : 'warmup';
      o.progress(
        `${o.label} ${phase} ${((now - t0) / 1000).toFixed(0).padStart(3)}s  ${unit.padStart(18)}  p99 ${(second.percentileUs(99) / 1000).toFixed(1).padStart(7)} ms  errors ${secondErrors}`,
      );
      second.reset();
      secondCalls = 0;
      secondErrors = 0;
      lastTick = now;
    }, 1000);

    for (let s = 0; s < o.inflight; s++) startSlot(s);
  });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Writes every key once (before get scenarios), 64 at a time over all endpoints. */
export async function preload(endpoints: readonly string[], keys: readonly Buffer[], value: Buffer, timeoutMs: number): Promise<void> {
  const channels = endpoints.map(newChannel);
  const clients = channels.map((ch, i) => kvClient(endpoints[i], ch));
  let next = 0;
  const put = (c: KVClient, key: Buffer) =>
    new Promise<grpc.ServiceError | null>((resolve) => c.put({ key, value }, { deadline: Date.now() + timeoutMs }, (err) => resolve(err)));
  const worker = async (w: number) => {
    while (next < keys.length) {
      const key = keys[next++];
      for (let attempt = 0; ; attempt++) {
        const err = await put(clients[(w + attempt) % clients.length], key);
        if (!err) break;
        if (attempt >= 20) throw new Error(`preload: put failed 20 times: ${err.message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)));
  } finally {
    for (const c of clients) c.close();
    for (const ch of channels) ch.close();
  }
}

/**
 * The failover client: one writer, one put in flight, all endpoints known; it sticks to an endpoint
 * until a call fails (or exceeds `attemptMs`), then moves to the next. Records when each
 * acknowledged put was issued and acknowledged.
 */
export class SingleWriter {
  private readonly channels: grpc.Channel[];
  private readonly clients: KVClient[];
  private cur = 0;
  private running = false;
  private stopped: (() => void) | null = null;
  private waiter: { after: number; resolve: (ackAt: number) => void } | null = null;
  acks = 0;
  readonly errors: Record<string, number> = {};

  constructor(
    endpoints: readonly string[],
    private readonly req: PutRequest,
    private readonly attemptMs: number,
  ) {
    this.channels = endpoints.map(newChannel);
    this.clients = this.channels.map((ch, i) => kvClient(endpoints[i], ch));
  }

  start(): void {
    this.running = true;
    this.loop();
  }

  /** The time (performance.now()) of the first ack of a put issued at or after `after`. */
  firstAckIssuedAfter(after: number, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = {
        after,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  }

  async stop(): Promise<void> {
    if (this.running) await new Promise<void>((r) => ((this.stopped = r), (this.running = false)));
    for (const c of this.clients) c.close();
    for (const ch of this.channels) ch.close();
  }

  private loop(): void {
    if (!this.running) {
      this.stopped?.();
      return;
    }
    const issued = performance.now();
    this.clients[this.cur].put(this.req, { deadline: Date.now() + this.attemptMs }, (err) => {
      const at = performance.now();
      if (err) {
        const code = grpc.status[err.code] ?? String(err.code);
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        this.cur = (this.cur + 1) % this.clients.length;
        setTimeout(() => this.loop(), 5);
        return;
      }
      this.acks++;
      const w = this.waiter;
      if (w && issued >= w.after) {
        this.waiter = null;
        w.resolve(at);
      }
      this.loop();
    });
  }
}
