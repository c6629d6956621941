import { checkHistory, formatResult, parseHistory, registerModel } from '../../check';
import { SeededRand } from '../../raft/core/rand';
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

/**
 * Jepsen's register test: concurrent clients read, write (unique values) and compare-and-set a
 * handful of registers through linearizable operations; the history must be linearizable.
 */
export class RegisterWorkload implements Workload {
  readonly name = 'register';

  constructor(private readonly opts: RegisterWorkloadOptions = defaultRegisterOptions) {}

  async run(ctx: WorkloadContext): Promise<void> {
    const started = Date.now();
    await Promise.all(Array.from({ length: this.opts.clients }, (_, c) => this.client(ctx, c, started)));
  }

  private async client(ctx: WorkloadContext, c: number, started: number): Promise<void> {
    const rand = new SeededRand(ctx.seed * 1000 + c);
    // Reads get their own client: it stays on its endpoint until that endpoint refuses, so a
    // node that wrongly serves reads locally (the broken-build check) is actually read from.
    const client = ctx.client(c);
    const reader = ctx.client(c);
    let n = 0;
    while (!ctx.stopped()) {
      const window = Math.floor((Date.now() - started) / this.opts.keyWindowMs);
      const key = `reg/${window}/${rand.int(this.opts.keys)}`;
      const value = c * 1_000_000 + ++n;
      const roll = rand.int(10);
      if (roll < 5) {
        const done = ctx.history.invoke(c, 'read', key, null);
        try {
          const kv = await reader.get(key);
          done('ok', kv ? Number(Buffer.from(kv.value).toString()) : null);
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
          const r = await client.cas(key, from === null ? null : String(from), String(value));
          done(r.succeeded ? 'ok' : 'fail', [from, value]);
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
    const verdict = report.split('\n')[0];
    return { name: this.name, ok: result.verdict === 'linearizable', verdict, detail: result.verdict === 'linearizable' ? '' : report };
  }
}
