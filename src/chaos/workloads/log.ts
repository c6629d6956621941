import * as grpc from '@grpc/grpc-js';
import { setMaxListeners } from 'node:events';
import { OrdoClient, OrdoError } from '../../client/client';
import { checkHistory, formatResult, logModel, parseHistory } from '../../check';
import { SeededRand } from '../../raft/core/rand';
import type { HistoryEvent } from '../history';
import type { FinalContext, Workload, WorkloadContext, WorkloadVerdict } from './workload';
import { describeError, sleep } from './outcome';

export interface LogWorkloadOptions {
  /** Topics written concurrently; each is one partition of the linearizability check. */
  readonly topics: number;
  /**
   * After this many appends, producers move on to a fresh generation of `topics` topics. A
   * partition's check costs time and memory quadratic in its appends (the log model copies the
   * log at every step), so no topic may grow without bound however long the run.
   */
  readonly appendsPerGeneration: number;
  /** Clients appending unique values, one record per append, exactly once (producer id + seq). */
  readonly producers: number;
  /**
   * How many of the producers give up after 1 s (300 ms per attempt) instead of the harness's
   * 5 s: under faults their appends end with unknown outcomes, some of which still land.
   */
  readonly impatientProducers: number;
  /** Clients doing linearizable read-ranges from near the end of a topic to its end. */
  readonly readers: number;
  /** Live subscriptions from offset 0 per topic, each starting on another node than the last. */
  readonly consumersPerTopic: number;
  readonly thinkMsMax: number;
}

export const defaultLogOptions: LogWorkloadOptions = { topics: 2, appendsPerGeneration: 4000, producers: 4, impatientProducers: 1, readers: 2, consumersPerTopic: 2, thinkMsMax: 10 };

/** Records asked per read; a reply that fills it may be cut short of the end, so it is not recorded as a read to the end. */
const READ_MAX = 10_000;
/** How long verify() waits for every consumer to reach the end of the final log. */
const CATCH_UP_MS = 30_000;
/**
 * A subscription that delivers nothing this long while the topic is known to hold more is
 * reopened. It may sit on a node cut off from the majority, or on a node that lacks the topic or
 * the offset yet (a follower behind). The latter ends the stream with NOT_FOUND / OUT_OF_RANGE,
 * but at commit 67b0aed that status never reached the client (record-stream.ts ended the call
 * with destroy(), which sends no status), so the subscription hung forever without an error.
 */
const STALL_MS = 3000;
/** Consumers stop by themselves this long after the run, should verify() never stop them. */
const CONSUMER_GRACE_MS = 300_000;

/** What one tailing consumer saw, in the order it saw it. */
export interface ConsumerObservation {
  readonly name: string;
  readonly topic: string;
  readonly records: { readonly offset: number; readonly value: string }[];
  /** Errors subscribe() ended with; the consumer subscribed again from its next offset. */
  readonly errors: string[];
  /** Subscriptions given up after STALL_MS without a record while the topic had more (then reopened). */
  stalls: number;
}

/** Everything verify() gathers, so the judgement itself is a pure function (and testable). */
export interface LogEvidence {
  readonly topics: readonly string[];
  readonly events: readonly HistoryEvent[];
  /** Per endpoint: each topic's values in offset order, or the reason it could not be read. */
  readonly nodeLogs: ReadonlyMap<string, ReadonlyMap<string, readonly string[]> | string>;
  readonly consumers: readonly ConsumerObservation[];
  /** Anomalies seen while running (a read out of range below a known end, offsets out of order...). */
  readonly anomalies: readonly string[];
  readonly setupError: string | null;
  /** Set when the consumers were given this long to reach the end of the final log: each must have. */
  readonly catchUpMs?: number;
}

/**
 * The log test: producers append unique values to a few topics (idempotent appends), readers do
 * linearizable read-ranges to the end, tailing consumers subscribe from offset 0. Afterwards:
 * 1. the history is linearizable under the log model (appends whose outcome was unknown are
 *    resolved against the final log, see `resolveUnknownAppends`);
 * 2. every node holds the same log per topic, in which every acknowledged append sits exactly once
 *    at its acknowledged offset, nothing appears twice, nothing never attempted appears, and no
 *    append the server refused appears;
 * 3. every consumer saw a gap-free, duplicate-free prefix of that log, in its order, and once
 *    everything is healed and converged, the whole of it.
 * The first topics are created at the start of run(), before any client starts; every further
 * generation (see `appendsPerGeneration`) is created before its first append.
 */
export class LogWorkload implements Workload {
  readonly name = 'log';
  /** Every topic created, in order (names unique per run, so a reused data dir cannot pre-fill them). */
  readonly topics: string[] = [];
  readonly consumers: ConsumerObservation[] = [];
  readonly anomalies: string[] = [];
  private setupError: string | null = null;
  /** Per topic, the largest end (next offset) any client has observed: an ack or a read. */
  private readonly knownEnd = new Map<string, number>();
  /** Per generation, its topics once created (null: the run stopped before they could be). */
  private readonly generations: Promise<readonly string[] | null>[] = [];
  private current = 0;
  private appendsInCurrent = 0;
  private nonce = '';
  private admin: OrdoClient | null = null;
  private readonly stopConsumers = new AbortController();
  private readonly consumerRuns: Promise<void>[] = [];

  constructor(private readonly opts: LogWorkloadOptions = defaultLogOptions) {
    setMaxListeners(0, this.stopConsumers.signal); // one listener per consumer, and a long run has many
  }

  async run(ctx: WorkloadContext): Promise<void> {
    this.nonce = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
    this.admin = ctx.client(0);
    if (!(await this.generation(ctx, 0))) return;
    const stopped = new Promise<void>((resolve) => {
      const poll = setInterval(() => ctx.stopped() && (clearInterval(poll), resolve()), 50);
    });
    // Consumers outlive run(): verify() lets them catch up with the final log after the heal,
    // then stops them. Should verify() never come, they stop on their own some minutes later.
    void stopped.then(() => setTimeout(() => this.stopConsumers.abort(), CONSUMER_GRACE_MS).unref());
    await Promise.all([
      ...Array.from({ length: this.opts.producers }, (_, p) => this.producer(ctx, p)),
      ...Array.from({ length: this.opts.readers }, (_, r) => this.reader(ctx, r)),
      stopped,
    ]);
  }

  /** The topics of generation `g`, created on first use. */
  private generation(ctx: WorkloadContext, g: number): Promise<readonly string[] | null> {
    return (this.generations[g] ??= this.createGeneration(ctx, g));
  }

  /** createTopic is idempotent: each is retried until it answers (or the run stops). */
  private async createGeneration(ctx: WorkloadContext, g: number): Promise<readonly string[] | null> {
    const names = Array.from({ length: this.opts.topics }, (_, i) => `chaos-log-${ctx.seed}-${this.nonce}-g${g}-t${i}`);
    for (const topic of names) {
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await this.admin!.createTopic(topic);
          if (r.info && r.info.nextOffset !== 0) {
            this.setupError = `topic ${topic} already holds offsets up to ${r.info.nextOffset}`;
            return null;
          }
          break;
        } catch (e) {
          if (ctx.stopped()) {
            if (g === 0) this.setupError = `could not create topic ${topic} in ${attempt} attempts: ${describeError(e)}`;
            return null;
          }
          await sleep(200);
        }
      }
    }
    for (const topic of names) {
      this.topics.push(topic);
      this.knownEnd.set(topic, 0);
      for (let c = 0; c < this.opts.consumersPerTopic; c++) this.consumerRuns.push(this.consumer(ctx, topic, this.consumers.length, this.stopConsumers.signal));
    }
    return names;
  }

  /** Counts an append towards generation `g`; the one that fills it opens the next. */
  private countAppend(ctx: WorkloadContext, g: number): void {
    if (g !== this.current || ++this.appendsInCurrent < this.opts.appendsPerGeneration) return;
    this.current = g + 1;
    this.appendsInCurrent = 0;
    void this.generation(ctx, g + 1);
  }

  private async producer(ctx: WorkloadContext, p: number): Promise<void> {
    const rand = new SeededRand(ctx.seed * 1000 + 200 + p);
    const impatient = p < this.opts.impatientProducers;
    const k = 200 + p;
    const rotated = ctx.endpoints.map((_, i) => ctx.endpoints[(i + k) % ctx.endpoints.length]); // as ctx.client(k)
    const client = impatient ? new OrdoClient(rotated, { deadlineMs: 1000, attemptTimeoutMs: 300 }) : ctx.client(k);
    try {
      await this.produce(ctx, p, rand, client);
    } finally {
      if (impatient) client.close();
    }
  }

  private async produce(ctx: WorkloadContext, p: number, rand: SeededRand, client: OrdoClient): Promise<void> {
    for (let n = 1; !ctx.stopped(); n++) {
      const g = this.current;
      const topics = await this.generation(ctx, g);
      if (!topics || ctx.stopped()) return;
      this.countAppend(ctx, g);
      const topic = rand.pick(topics);
      const value = `p${p}-${n}`;
      const done = ctx.history.invoke(`producer-${p}`, 'append', topic, value);
      try {
        const r = await client.append(topic, [{ value }]);
        done('ok', r.baseOffset);
        this.observeEnd(topic, r.baseOffset + 1);
      } catch (e) {
        done(appendFailure(e), value);
      }
      await sleep(rand.int(this.opts.thinkMsMax + 1));
    }
  }

  private async reader(ctx: WorkloadContext, r: number): Promise<void> {
    const rand = new SeededRand(ctx.seed * 1000 + 300 + r);
    // Its own client per reader: it stays on its endpoint until refused, so a node that answered
    // linearizable reads from stale local state would actually be read from.
    const client = ctx.client(300 + r);
    while (!ctx.stopped()) {
      const topics = this.topics.slice(-this.opts.topics); // the newest generation created
      const topic = rand.pick(topics);
      // Near the end, so each read stays small; never beyond an end some client has observed
      // before this call, so a linearizable read can never be out of range.
      const end = this.knownEnd.get(topic) ?? 0;
      const from = Math.max(0, end - rand.int(40));
      const done = ctx.history.invoke(`reader-${r}`, 'read-range', topic, [from, null]);
      try {
        const res = await client.read(topic, from, READ_MAX);
        const bad = res.records.findIndex((rec, i) => rec.offset !== from + i);
        if (bad >= 0) {
          this.anomalies.push(`reader-${r}: read of ${topic} from ${from} returned offset ${res.records[bad].offset} at position ${bad}`);
          done('fail', null);
        } else if (res.records.length >= READ_MAX) {
          done('fail', null); // possibly cut short of the end: not a read of [from, end)
        } else {
          done('ok', res.records.map((rec) => Buffer.from(rec.value).toString()));
          this.observeEnd(topic, Math.max(res.nextOffset, from + res.records.length));
        }
      } catch (e) {
        if (e instanceof OrdoError && (e.code === grpc.status.OUT_OF_RANGE || e.code === grpc.status.NOT_FOUND)) {
          this.anomalies.push(`reader-${r}: linearizable read of ${topic} from ${from} (an end observed before the call was ${end}) refused: ${describeError(e)}`);
        }
        done('fail', null); // a read changes nothing: dropping it is always sound
      }
      await sleep(rand.int(this.opts.thinkMsMax + 1));
    }
  }

  private async consumer(ctx: WorkloadContext, topic: string, k: number, signal: AbortSignal): Promise<void> {
    const obs: ConsumerObservation = { name: `consumer-${k}`, topic, records: [], errors: [], stalls: 0 };
    this.consumers.push(obs);
    const client: OrdoClient = ctx.client(k);
    let next = 0;
    while (!signal.aborted) {
      const attempt = new AbortController();
      const onStop = () => attempt.abort();
      signal.addEventListener('abort', onStop, { once: true });
      let lastProgress = Date.now();
      let stalled = false;
      const watchdog = setInterval(() => {
        if (Date.now() - lastProgress >= STALL_MS && (this.knownEnd.get(topic) ?? 0) > next) {
          stalled = true;
          attempt.abort();
        }
      }, 250);
      try {
        for await (const rec of client.subscribe(topic, next, attempt.signal)) {
          obs.records.push({ offset: rec.offset, value: Buffer.from(rec.value).toString() });
          next = rec.offset + 1;
          lastProgress = Date.now();
        }
        if (stalled) obs.stalls++;
      } catch (e) {
        // subscribe() promises to survive node failures by itself; note it, and go on as an
        // application would: subscribe again from the next offset.
        obs.errors.push(describeError(e));
        await sleep(200);
      } finally {
        clearInterval(watchdog);
        signal.removeEventListener('abort', onStop);
      }
    }
  }

  private observeEnd(topic: string, end: number): void {
    if (end > (this.knownEnd.get(topic) ?? 0)) this.knownEnd.set(topic, end);
  }

  async verify(ctx: FinalContext): Promise<WorkloadVerdict> {
    const nodeLogs = new Map<string, Map<string, string[]> | string>();
    for (const endpoint of ctx.endpoints) {
      try {
        const logs = new Map<string, string[]>();
        for (const topic of this.topics) logs.set(topic, await readWholeTopic(ctx.nodeClient(endpoint), topic));
        nodeLogs.set(endpoint, logs);
      } catch (e) {
        nodeLogs.set(endpoint, describeError(e));
      }
    }
    // Liveness: once healed and converged, every consumer reaches the end of its topic.
    const ends = new Map(this.topics.map((t) => [t, Math.max(0, ...[...nodeLogs.values()].map((l) => (typeof l === 'string' ? 0 : (l.get(t)?.length ?? 0))))]));
    for (const [topic, end] of ends) this.observeEnd(topic, end);
    const caughtUp = () => this.consumers.every((c) => c.records.length >= (ends.get(c.topic) ?? 0));
    for (const until = Date.now() + CATCH_UP_MS; !caughtUp() && Date.now() < until; ) await sleep(100);
    this.stopConsumers.abort();
    await Promise.all(this.consumerRuns);
    return judgeLog(
      { topics: this.topics, events: ctx.history.events, nodeLogs, consumers: this.consumers, anomalies: this.anomalies, setupError: this.setupError, catchUpMs: CATCH_UP_MS },
      ctx.timeLimitMs,
    );
  }
}

/**
 * How a failed append is recorded. Only INVALID_ARGUMENT is a definite refusal here: it is decided
 * before Raft, identically on every attempt. Any other error may come from a retry whose earlier
 * attempt timed out yet committed (the client retries with the same producer id and seq), so
 * the outcome is unknown, even for RESOURCE_EXHAUSTED (an overloaded leader refusing the retry),
 * which outcome.ts's writeFailure counts as definite.
 */
function appendFailure(e: unknown): 'fail' | 'info' {
  return e instanceof OrdoError && e.code === grpc.status.INVALID_ARGUMENT ? 'fail' : 'info';
}

/** A node's own copy of a topic (serializable reads, page by page), checking offsets are dense from 0. */
async function readWholeTopic(client: OrdoClient, topic: string): Promise<string[]> {
  const values: string[] = [];
  for (;;) {
    const r = await client.read(topic, values.length, READ_MAX, true);
    for (const rec of r.records) {
      if (rec.offset !== values.length) throw new Error(`topic ${topic}: offset ${rec.offset} where ${values.length} was expected`);
      values.push(Buffer.from(rec.value).toString());
    }
    if (r.records.length === 0 || values.length >= r.nextOffset) return values;
  }
}

/**
 * The appends whose outcome is unknown (`info`), decided by the final log, which every node holds
 * identically: present at offset X means it took effect at X (values are unique), absent means it
 * never took effect (after convergence nothing is in flight). Equivalent to checking the history
 * plus a final read of the whole log, which forces exactly that, but without making the search
 * try every unknown append at every point of the history (exponential in their number). Each
 * resolved call gets a process of its own, since its process went on after the `info`, and
 * completes at the end of the history: `ok` with its offset, or `fail` (dropped).
 */
export function resolveUnknownAppends(events: readonly HistoryEvent[], finalLogs: ReadonlyMap<string, readonly string[]>): { events: HistoryEvent[]; landed: number; lost: number } {
  const offsetOf = new Map<string, Map<string, number>>();
  for (const [topic, values] of finalLogs) offsetOf.set(topic, new Map(values.map((v, i) => [v, i])));
  const out: HistoryEvent[] = [];
  const tail: HistoryEvent[] = [];
  const open = new Map<string | number, number>(); // process -> index in `out` of its call in flight
  let landed = 0;
  let lost = 0;
  for (const e of events) {
    if (e.type === 'invoke') {
      open.set(e.process, out.length);
      out.push(e);
      continue;
    }
    const callAt = open.get(e.process);
    open.delete(e.process);
    if (e.type !== 'info' || e.f !== 'append' || callAt === undefined) {
      out.push(e);
      continue;
    }
    const call = out[callAt];
    const process = `${String(e.process)}/unknown-${tail.length}`;
    out[callAt] = { ...call, process };
    const offset = offsetOf.get(call.key ?? '')?.get(String(call.value));
    if (offset === undefined) lost++;
    else landed++;
    tail.push(offset === undefined ? { ...e, process, type: 'fail', value: call.value } : { ...e, process, type: 'ok', value: offset });
  }
  return { events: [...out, ...tail], landed, lost };
}

/** The verdict from the gathered evidence (see the class comment for what is checked). */
export function judgeLog(ev: LogEvidence, timeLimitMs: number): WorkloadVerdict {
  const name = 'log';
  if (ev.setupError) return { name, ok: false, verdict: 'setup failed', detail: ev.setupError };
  const problems: string[] = [...ev.anomalies];

  // What the history says was attempted, acknowledged (at which offset), refused or unknown.
  const attempted = new Map<string, string>(); // value -> topic
  const acked = new Map<string, { topic: string; offset: number }>();
  const refused = new Set<string>();
  const unknown = new Set<string>();
  const callOf = new Map<string | number, HistoryEvent>();
  let reads = 0;
  for (const e of ev.events) {
    if (e.type === 'invoke') {
      callOf.set(e.process, e);
      if (e.f === 'append') attempted.set(String(e.value), e.key ?? '');
      continue;
    }
    const call = callOf.get(e.process);
    callOf.delete(e.process);
    if (!call) continue;
    if (call.f === 'read-range' && e.type === 'ok') reads++;
    if (call.f !== 'append') continue;
    const value = String(call.value);
    if (e.type === 'ok') acked.set(value, { topic: call.key ?? '', offset: Number(e.value) });
    else if (e.type === 'fail') refused.add(value);
    else unknown.add(value);
  }

  // 2. Every node's copy of every topic.
  const readable = [...ev.nodeLogs].filter((x): x is [string, ReadonlyMap<string, readonly string[]>] => typeof x[1] !== 'string');
  for (const [endpoint, why] of ev.nodeLogs) if (typeof why === 'string') problems.push(`node ${endpoint} could not be read: ${why}`);
  const finalLogs = new Map<string, readonly string[]>();
  for (const topic of ev.topics) {
    const first = readable[0]?.[1].get(topic) ?? [];
    finalLogs.set(topic, first);
    for (const [endpoint, logs] of readable) {
      const log = logs.get(topic) ?? [];
      if (log.length !== first.length || log.some((v, i) => v !== first[i])) {
        const at = log.findIndex((v, i) => v !== first[i]);
        problems.push(`node ${endpoint} holds a different ${topic} (${log.length} records, first difference at offset ${at < 0 ? Math.min(log.length, first.length) : at}) than node ${readable[0][0]} (${first.length})`);
      }
      const where = new Map<string, number[]>();
      log.forEach((v, i) => {
        const at = where.get(v);
        if (at) at.push(i);
        else where.set(v, [i]);
      });
      const lost: string[] = [];
      const misplaced: string[] = [];
      for (const [value, a] of acked) {
        if (a.topic !== topic) continue;
        const at = where.get(value);
        if (!at) lost.push(`${value}@${a.offset}`);
        else if (log[a.offset] !== value) misplaced.push(`${value} acked at ${a.offset}, found at ${at.join(',')}`);
      }
      const twice = [...where].filter(([, at]) => at.length > 1).map(([v, at]) => `${v} at ${at.join(',')}`);
      const phantom = [...where.keys()].filter((v) => attempted.get(v) !== topic);
      const refusedButThere = [...where.keys()].filter((v) => refused.has(v));
      const show = (xs: string[]) => `${xs.length}, e.g. ${xs.slice(0, 5).join('; ')}`;
      if (lost.length) problems.push(`node ${endpoint} ${topic}: acknowledged appends lost: ${show(lost)}`);
      if (misplaced.length) problems.push(`node ${endpoint} ${topic}: acknowledged appends at another offset: ${show(misplaced)}`);
      if (twice.length) problems.push(`node ${endpoint} ${topic}: values present more than once: ${show(twice)}`);
      if (phantom.length) problems.push(`node ${endpoint} ${topic}: values never appended to this topic: ${show(phantom)}`);
      if (refusedButThere.length) problems.push(`node ${endpoint} ${topic}: appends the server refused are present: ${show(refusedButThere)}`);
    }
  }

  // 3. Tailing consumers: a prefix of the final log, offset by offset.
  let consumed = 0;
  for (const c of ev.consumers) {
    const log = finalLogs.get(c.topic) ?? [];
    consumed += c.records.length;
    const bad = c.records.findIndex((r, i) => r.offset !== i || r.value !== log[i]);
    if (ev.catchUpMs !== undefined && bad < 0 && c.records.length < log.length) {
      problems.push(`${c.name} (${c.topic}): at offset ${c.records.length} of ${log.length} ${ev.catchUpMs} ms after convergence: it did not catch up`);
    }
    if (bad >= 0) {
      const r = c.records[bad];
      const what = r.offset < bad ? 'a duplicate' : r.offset > bad ? 'a gap' : r.offset >= log.length ? 'a record beyond the final log' : `${JSON.stringify(r.value)} where the log holds ${JSON.stringify(log[bad])}`;
      problems.push(`${c.name} (${c.topic}): record #${bad} has offset ${r.offset}: ${what}`);
    }
  }

  // 1. Linearizability, unknown appends resolved against the final log, plus that final log read.
  const resolved = resolveUnknownAppends(ev.events, finalLogs);
  const finalReads = ev.topics.flatMap((topic): HistoryEvent[] => {
    const time = resolved.events.length ? resolved.events[resolved.events.length - 1].time : 0;
    const base = { process: `final-${topic}`, f: 'read-range', key: topic, time };
    return [{ ...base, type: 'invoke', value: [0, null] }, { ...base, type: 'ok', value: finalLogs.get(topic) ?? [] }];
  });
  const text = [...resolved.events, ...finalReads].map((e) => JSON.stringify(e)).join('\n');
  const model = logModel();
  const result = checkHistory(model, parseHistory(text, 'jsonl'), { timeLimitMs });
  const report = formatResult(model, result);
  if (result.verdict !== 'linearizable') problems.unshift(report.trimEnd());

  const consumerErrors = ev.consumers.flatMap((c) => c.errors.map((e) => `${c.name}: ${e}`));
  const nodes = readable.length;
  const appends = `${acked.size} appends acknowledged (${unknown.size} unknown: ${resolved.landed} landed, ${resolved.lost} did not; ${refused.size} refused)`;
  const stalls = ev.consumers.reduce((n, c) => n + c.stalls, 0);
  const resumed =
    (consumerErrors.length ? `; subscribe failed ${consumerErrors.length} times and was resumed` : '') +
    (stalls ? `; ${stalls} subscriptions stalled ${STALL_MS / 1000} s behind the known end and were reopened` : '');
  const first = report.split('\n')[0];
  if (problems.length === 0) {
    const verdict =
      `${first}; ${ev.topics.length} topics, ${appends}, each exactly once at its offset on ${nodes} nodes; ${reads} reads; ` +
      `${ev.consumers.length} consumers saw gap-free, duplicate-free ${ev.catchUpMs !== undefined ? 'copies of the whole log' : 'prefixes'} (${consumed} records)${resumed}`;
    return { name, ok: true, verdict, detail: consumerErrors.join('\n') };
  }
  const counts = `${ev.topics.length} topics, ${appends}, ${reads} reads, ${ev.consumers.length} consumers saw ${consumed} records${resumed}`;
  const verdict = result.verdict !== 'linearizable' ? first : `${problems.length} problem${problems.length > 1 ? 's' : ''}, first: ${problems[0].slice(0, 200)}`;
  return { name, ok: false, verdict, detail: [counts, ...problems, ...consumerErrors].join('\n') };
}
