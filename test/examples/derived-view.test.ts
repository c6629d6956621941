/**
 * examples/derived-view end to end, as its README runs it: a real 3-node cluster from
 * cluster-scripts, the producer and the consumer as child processes (node --import tsx, so a
 * kill -9 hits the consumer itself, not a wrapper). The consumer is killed -9 four times while
 * it is busy (--slow-ms makes each batch spend 20 ms applied in memory but not yet stored: the
 * window where a consumer that stored counts and offset separately would lose or double
 * updates), restarted each time, and must end with exactly the counts of a from-scratch fold of
 * the topic, which must equal the counts of the events produced.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { OrdoClient } from '../../src/client/client';
import { readEvents } from '../../examples/derived-view/replay';
import { fold, generateEvents, loadState, total, type ViewState } from '../../examples/derived-view/view';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'derived-view');
const BASE_PORT = 29100;
const TOPIC = 'messages';
const COUNT = 3000;
const USERS = 20;
const SEED = 7;

const exec = promisify(execFile);

/** Our environment minus ORDO_* (a developer's ORDO_ENDPOINTS must not change what is tested). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORDO_')));
}

interface Child {
  readonly proc: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** `node --import tsx examples/derived-view/<script> ...args`, output collected. */
function runScript(script: string, args: readonly string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(EXAMPLE, script), ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      done({ code, signal });
    }),
  );
  return { proc, output: () => out, exited };
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined, why: () => string = () => ''): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${why()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Pids of live processes whose command line mentions `needle`. */
function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('examples/derived-view: a consumer-maintained view survives kill -9 without lost or doubled updates', () => {
  let dir = '';
  let clusterDir = '';
  let endpoints = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-derived-view-'));
    clusterDir = join(dir, 'cluster');
    await exec(join(ROOT, 'cluster-scripts', 'start.sh'), ['--nodes', '3', '--base-port', String(BASE_PORT), '--data-dir', clusterDir], { env: cleanEnv(), timeout: 90_000 });
    endpoints = readFileSync(join(clusterDir, 'endpoints'), 'utf8').trim();
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    if (existsSync(join(clusterDir, 'cluster.env'))) {
      await exec(join(ROOT, 'cluster-scripts', 'stop.sh'), ['--data-dir', clusterDir], { env: cleanEnv(), timeout: 60_000 }).catch(() => undefined);
    }
    for (const pid of dir ? pidsMentioning(dir) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('produce, consume, kill -9 four times midway, restart: counts equal a replay from offset 0 and the events produced', async () => {
    const state = join(dir, 'view', 'unread.json');
    const stored = (): ViewState | undefined => {
      try {
        return existsSync(state) ? loadState(state, TOPIC) : undefined;
      } catch (e) {
        throw new Error(`the stored view is unreadable (a torn write?): ${(e as Error).message}`);
      }
    };
    const consumerArgs = ['--state', state, '--topic', TOPIC, '--endpoints', endpoints, '--batch', '20', '--slow-ms', '20'];

    const producer = runScript('producer.ts', ['--count', String(COUNT), '--users', String(USERS), '--seed', String(SEED), '--rate', '1000', '--batch', '10', '--topic', TOPIC, '--endpoints', endpoints]);
    let consumer = runScript('consumer.ts', consumerArgs);
    const resumedAt: number[] = [];

    for (const killAt of [1, 2, 3, 4].map((k) => (k * COUNT) / 5)) {
      const c = consumer;
      await until(`the consumer to store offset ${killAt}`, 30_000, () => ((stored()?.nextOffset ?? 0) >= killAt ? true : undefined), () => c.output() + producer.output());
      // The pid file names the process to kill (what the README tells you to kill -9).
      expect(Number(readFileSync(`${state}.pid`, 'utf8'))).toBe(c.proc.pid);
      c.proc.kill('SIGKILL');
      expect(await c.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const at = stored()!.nextOffset;
      expect(at).toBeGreaterThanOrEqual(killAt);
      await new Promise((r) => setTimeout(r, 300)); // the producer goes on meanwhile
      consumer = runScript('consumer.ts', consumerArgs);
      const restarted = consumer;
      await until('the restarted consumer to say where it resumes', 30_000, () => (/resuming "messages" at offset (\d+)/.exec(restarted.output()) ?? undefined), restarted.output);
      resumedAt.push(Number(/resuming "messages" at offset (\d+)/.exec(consumer.output())![1]));
      expect(resumedAt[resumedAt.length - 1]).toBe(at);
    }

    const produced = await producer.exited;
    expect({ ...produced, output: produced.code === 0 ? '' : producer.output() }).toEqual({ code: 0, signal: null, output: '' });
    expect(producer.output()).toMatch(new RegExp(`done: ${COUNT} events at offsets 0\\.\\.${COUNT - 1}`));
    expect(resumedAt.every((o) => o > 0 && o < COUNT)).toBe(true); // every kill landed mid-stream

    const last = consumer;
    const final = await until(`the consumer to reach offset ${COUNT}`, 60_000, () => {
      const s = stored();
      return s && s.nextOffset >= COUNT ? s : undefined;
    }, last.output);
    last.proc.kill('SIGTERM');
    expect(await last.exited).toEqual({ code: 0, signal: null });
    expect(last.output()).toMatch(new RegExp(`stopped at offset ${COUNT}:`));
    expect(final.nextOffset).toBe(COUNT);
    expect(final.skipped).toBe(0);

    // The topic holds exactly the events produced, once each, in order (idempotent appends).
    const client = new OrdoClient(endpoints.split(','));
    let fromLog;
    try {
      fromLog = await readEvents(client, TOPIC);
    } finally {
      client.close();
    }
    const expectedEvents = generateEvents(COUNT, USERS, SEED);
    expect(fromLog.topicEnd).toBe(COUNT);
    expect(fromLog.events).toEqual(expectedEvents.map((e) => JSON.parse(JSON.stringify(e))));

    // The view: equal to a from-scratch fold of the topic, and to the counts of what was produced.
    const replayed = fold(fromLog.events);
    expect(loadState(state, TOPIC).unread).toEqual(replayed);
    expect(replayed).toEqual(fold(expectedEvents));
    expect(total(replayed)).toBeGreaterThan(100); // a view worth comparing

    // And the README's check says so too.
    const check = runScript('replay.ts', ['--state', state, '--topic', TOPIC, '--endpoints', endpoints]);
    const checked = await check.exited;
    expect({ ...checked, output: check.output() }).toEqual({ code: 0, signal: null, output: expect.stringContaining(`MATCH: the stored view at offset ${COUNT} equals a from-scratch replay`) });
  }, 150_000);
});
