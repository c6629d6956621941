import { prefixEnd } from '../../statemachine';
import type { FinalContext, Workload, WorkloadContext, WorkloadVerdict } from './workload';
import { sleep, writeFailure } from './outcome';

const PREFIX = 'set/';

/**
 * Jepsen's set test, for lost writes where a linearizability search would be too expensive:
 * clients add unique elements (keys); at the end every acknowledged element must be on every
 * node, nothing never attempted may appear, and each element must have been applied exactly once
 * (its version is 1: a retry applied twice would make it 2).
 */
export class SetWorkload implements Workload {
  readonly name = 'set';

  constructor(private readonly clients = 4) {}

  async run(ctx: WorkloadContext): Promise<void> {
    await Promise.all(
      Array.from({ length: this.clients }, async (_, c) => {
        const client = ctx.client(100 + c);
        for (let n = 1; !ctx.stopped(); n++) {
          const key = `${PREFIX}${c}/${n}`;
          const done = ctx.history.invoke(`set-${c}`, 'add', key, key);
          try {
            await client.put(key, 'x');
            done('ok', key);
          } catch (e) {
            done(writeFailure(e), key);
          }
          await sleep(5);
        }
      }),
    );
  }

  async verify(ctx: FinalContext): Promise<WorkloadVerdict> {
    const attempted = new Set<string>();
    const acked = new Set<string>();
    for (const e of ctx.history.events) {
      if (e.f !== 'add') continue;
      if (e.type === 'invoke') attempted.add(String(e.value));
      if (e.type === 'ok') acked.add(String(e.value));
    }
    const problems: string[] = [];
    for (const endpoint of ctx.endpoints) {
      const key = Buffer.from(PREFIX);
      // Serializable on purpose: each node is asked for its own copy, not the leader's.
      const r = await ctx.nodeClient(endpoint).range({ key, rangeEnd: Buffer.from(prefixEnd(key)), serializable: true });
      const present = new Map(r.kvs.map((kv) => [Buffer.from(kv.key).toString(), kv.version]));
      const lost = [...acked].filter((k) => !present.has(k));
      const phantom = [...present.keys()].filter((k) => !attempted.has(k));
      const twice = [...present].filter(([, version]) => version !== 1).map(([k]) => k);
      if (lost.length) problems.push(`node ${endpoint} lost ${lost.length} acknowledged elements, e.g. ${lost.slice(0, 5).join(' ')}`);
      if (phantom.length) problems.push(`node ${endpoint} holds ${phantom.length} elements never attempted, e.g. ${phantom.slice(0, 5).join(' ')}`);
      if (twice.length) problems.push(`node ${endpoint} applied ${twice.length} elements more than once, e.g. ${twice.slice(0, 5).join(' ')}`);
    }
    const summary = `${acked.size} acknowledged, ${attempted.size - acked.size} unknown or failed`;
    return problems.length === 0
      ? { name: this.name, ok: true, verdict: `no lost writes (${summary}, on ${ctx.endpoints.length} nodes)`, detail: '' }
      : { name: this.name, ok: false, verdict: 'lost or duplicated writes', detail: `${summary}\n${problems.join('\n')}` };
  }
}
