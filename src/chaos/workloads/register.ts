import { checkHistory, formatResult, parseHistory, registerModel } from '../../check';
import type { OrdoClient } from '../../client/client';
import type { EtcdClient } from '../../etcd-client';
import { SeededRand } from '../../raft/core/rand';
import type { HistoryEvent } from '../history';
import type { FinalContext, Workload, WorkloadContext, WorkloadVerdict } from './workload';
import { sleep, writeFailure } from './outcome';

export interface RegisterWorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** Each window uses fresh keys, so every register's history stays short enough to check. */
  readonly keyWindowMs: number;
  readonly thinkMsMax: number;
}

export const defaultRegisterOptions: RegisterWorkloadOptions = { clients: 10, keys: 5, keyWindowMs: 10_000, thinkMsMax: 30 };

/** The three register operations, whichever API carries them. Reads are linearizable. */
export interface RegisterClient {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  /** Writes `value` only if the key holds `expect` (null: only if absent); true when it did. */
  cas(key: string, expect: string | null, value: string): Promise<boolean>;
}

export function ordoRegisterClient(client: OrdoClient): RegisterClient {
  return {
    get: async (key) => {
      const kv = await client.get(key);
      return kv ? Buffer.from(kv.value).toString() : null;
    },
    put: async (key, value) => {
      await client.put(key, value);
    },
    cas: async (key, expect, value) => (await client.cas(key, expect, value)).succeeded,
  };
}

export function etcdRegisterClient(client: EtcdClient): RegisterClient {
  return {
    get: async (key) => {
      const r = await client.get(key);
      return r.kv ? r.kv.value.toString() : null;
    },
    put: async (key, value) => {
      await client.put(key, value);
    },
    cas: async (key, expect, value) => (await client.cas(key, expect, value)).succeeded,
  };
}

/** Which API a register workload drives: its name, its keys, and a client per worker. */
export interface RegisterApi {
  readonly workload: string;
  readonly keyPrefix: string;
  connect(ctx: WorkloadContext, c: number): RegisterClient;
}

/** ordo's own KV API (OrdoClient: leader-following, exactly-once sessions). */
export const ORDO_REGISTER_API: RegisterApi = { workload: 'register', keyPrefix: 'reg/', connect: (ctx, c) => ordoRegisterClient(ctx.client(c)) };

/** etcd's v3 API on every node's client port (EtcdClient, starting on endpoint `c mod n`). */
export const ETCD_REGISTER_API: RegisterApi = { workload: 'etcd-register', keyPrefix: 'ereg/', connect: (ctx, c) => etcdRegisterClient(ctx.etcdClient(c)) };

/**
 * Jepsen's register test: concurrent clients read, write (unique values) and compare-and-set a
 * handful of registers through linearizable operations; the history must be linearizable.
 * `api` picks the client API (ordo's own, or etcd's v3); each uses its own keys, so both can run
 * side by side.
 */
export class RegisterWorkload implements Workload {
  readonly name: string;

  constructor(
    private readonly opts: RegisterWorkloadOptions = defaultRegisterOptions,
    private readonly api: RegisterApi = ORDO_REGISTER_API,
  ) {
    this.name = api.workload;
  }

  async run(ctx: WorkloadContext): Promise<void> {
    const started = Date.now();
    await Promise.all(Array.from({ length: this.opts.clients }, (_, c) => this.client(ctx, c, started)));
  }

  private async client(ctx: WorkloadContext, c: number, started: number): Promise<void> {
    const rand = new SeededRand(ctx.seed * 1000 + c);
    // Reads get their own client: it stays on its endpoint until that endpoint refuses, so a
    // node that wrongly serves reads locally (the broken-build check) is actually read from.
    const client = this.api.connect(ctx, c);
    const reader = this.api.connect(ctx, c);
    let n = 0;
    while (!ctx.stopped()) {
      const window = Math.floor((Date.now() - started) / this.opts.keyWindowMs);
      const key = `${this.api.keyPrefix}${window}/${rand.int(this.opts.keys)}`;
      const value = c * 1_000_000 + ++n;
      const roll = rand.int(10);
      if (roll < 5) {
        const done = ctx.history.invoke(c, 'read', key, null);
        try {
          const v = await reader.get(key);
          done('ok', v === null ? null : Number(v));
        } catch {
          done('fail', null); // a read changes nothing: dropping it is always sound
        }
      } else if (roll < 8) {
        const done = ctx.history.invoke(c, 'write', key, value);
        try {
          await client.put(key, String(value));
          done('ok', value);
        } catch (e) {
          done(writeFailure(e), value);
        }
      } else {
        const from = rand.chance(0.3) ? null : c * 1_000_000 + Math.max(1, n - 1 - rand.int(3));
        const done = ctx.history.invoke(c, 'cas', key, [from, value]);
        try {
          const succeeded = await client.cas(key, from === null ? null : String(from), String(value));
          done(succeeded ? 'ok' : 'fail', [from, value]);
        } catch (e) {
          done(writeFailure(e), [from, value]);
        }
      }
      await sleep(rand.int(this.opts.thinkMsMax + 1));
    }
  }

  async verify(ctx: FinalContext): Promise<WorkloadVerdict> {
    const text = ctx.history.events.map((e) => JSON.stringify(e)).join('\n');
    const model = registerModel();
    const result = checkHistory(model, parseHistory(text, 'jsonl'), { timeLimitMs: ctx.timeLimitMs });
    const report = formatResult(model, result);
    const verdict = `${report.split('\n')[0]}; ${tally(ctx.history.events)}`;
    return { name: this.name, ok: result.verdict === 'linearizable', verdict, detail: result.verdict === 'linearizable' ? '' : report };
  }
}

/** What the clients did: `ok: 812 reads, 401 writes, 57 cas; fail: 140; info: 9` (fail: definitely not applied; info: unknown). */
function tally(events: readonly HistoryEvent[]): string {
  const ok = { read: 0, write: 0, cas: 0 };
  let fail = 0;
  let info = 0;
  for (const e of events) {
    if (e.type === 'ok' && (e.f === 'read' || e.f === 'write' || e.f === 'cas')) ok[e.f]++;
    else if (e.type === 'fail') fail++;
    else if (e.type === 'info') info++;
  }
  return `ok: ${ok.read} reads, ${ok.write} writes, ${ok.cas} cas; fail: ${fail}; info: ${info}`;
}
