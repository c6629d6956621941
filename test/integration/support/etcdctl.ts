/**
 * The real `etcdctl` (Debian's etcd-client, v3 API) against a test cluster: one-shot commands
 * with optional stdin, long-running ones (watch) with their output collected line by line, and
 * the decoding of `-w json` output.
 *
 * etcdctl is found on PATH. Its environment is the tests' clean one (cleanEnv) minus every
 * ETCDCTL_* variable, plus ETCDCTL_API=3, so a developer's ETCDCTL_ENDPOINTS or ETCDCTL_CACERT
 * cannot change what is tested; everything else comes from the command line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cleanEnv, ROOT, type RunResult } from './cluster';

export const ETCDCTL = 'etcdctl';

/** The environment every etcdctl runs with. */
export function etcdctlEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith('ETCDCTL_')));
  return { ...env, ETCDCTL_API: '3' };
}

/** Throws (for a beforeAll) when etcdctl is missing or is not a v3 API client. */
export function assertEtcdctlInstalled(): string {
  const r = spawnSync(ETCDCTL, ['version'], { env: etcdctlEnv(), encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`etcdctl is not runnable (${r.error?.message ?? `exit ${r.status}: ${r.stderr}`}); install it: apt-get install etcd-client`);
  }
  if (!/API version: 3\./.test(r.stdout)) throw new Error(`etcdctl does not speak the v3 API: ${r.stdout}`);
  return r.stdout;
}

export interface EtcdctlOptions {
  /** Endpoints for --endpoints (default: every endpoint the Etcdctl was made with). */
  endpoints?: readonly string[];
  /** Written to etcdctl's stdin, which is then closed (default: stdin is /dev/null). */
  stdin?: string;
  /** SIGKILL after this long (default 20 s; etcdctl's own --command-timeout is 5 s). */
  timeoutMs?: number;
}

/** One etcdctl run, to completion: `etcdctl --endpoints=a,b,c <args>`. */
export function runEtcdctl(args: readonly string[], endpoints: readonly string[], opts: Omit<EtcdctlOptions, 'endpoints'> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(ETCDCTL, [`--endpoints=${endpoints.join(',')}`, ...args], {
      cwd: ROOT,
      env: etcdctlEnv(),
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (opts.stdin !== undefined) {
      child.stdin!.on('error', () => undefined); // etcdctl may exit before reading it all
      child.stdin!.end(opts.stdin);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}spawn failed: ${e.message}\n`, ms: Date.now() - started, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

export function explainEtcdctl(args: readonly string[], r: RunResult): string {
  return `etcdctl ${args.join(' ')}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''} after ${r.ms} ms\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/**
 * etcdctl `-w json` output as JSON. etcdctl prints 64-bit integers as bare JSON numbers, and
 * cluster_id and member_id use all 64 bits: integers of 16 or more digits become decimal strings
 * here instead of silently rounded numbers. (Keys and values are base64 strings, which hold no
 * digits-only tokens after a ':', '[' or ','.)
 */
export function parseEtcdJson<T = unknown>(text: string): T {
  return JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"')) as T;
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

/** A response header as etcdctl prints it (zero fields are omitted by etcdctl). */
export interface JsonHeader {
  cluster_id?: number | string;
  member_id?: number | string;
  revision?: number;
  raft_term?: number;
}

/** A KeyValue as etcdctl prints it: key and value base64, zero fields omitted. */
export interface JsonKv {
  key: string;
  value?: string;
  create_revision?: number;
  mod_revision?: number;
  version?: number;
  lease?: number;
}

export interface JsonGet {
  header: JsonHeader;
  kvs?: JsonKv[];
  more?: boolean;
  count?: number;
}

/** A decoded KeyValue: key and value as text, absent numbers as 0. */
export interface Kv {
  key: string;
  value: string;
  /** Whether etcdctl printed a value field at all (it omits empty ones). */
  hasValue: boolean;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: number;
}

export function decodeKv(kv: JsonKv): Kv {
  return {
    key: unb64(kv.key),
    value: unb64(kv.value),
    hasValue: kv.value !== undefined,
    create_revision: kv.create_revision ?? 0,
    mod_revision: kv.mod_revision ?? 0,
    version: kv.version ?? 0,
    lease: kv.lease ?? 0,
  };
}

/** An etcdctl left running (watch, lease keep-alive); stdout collected line by line. */
export interface RunningEtcdctl {
  readonly lines: string[];
  stderr(): string;
  /** Resolves once stdout has at least `n` complete lines; throws at the deadline with what it has. */
  waitForLines(n: number, timeoutMs: number): Promise<string[]>;
  /** Whether it has exited, and how. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGINT, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `etcdctl --endpoints=... <args>` in the background. The child is in `children` until it
 * exits, so a file's afterAll can SIGKILL leftovers by pid.
 */
export function spawnEtcdctl(args: readonly string[], endpoints: readonly string[], children: Set<ChildProcess>): RunningEtcdctl {
  const child = spawn(ETCDCTL, [`--endpoints=${endpoints.join(',')}`, ...args], { cwd: ROOT, env: etcdctlEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exitStatus: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const w of waiters) w();
  };
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    for (let i = partial.indexOf('\n'); i >= 0; i = partial.indexOf('\n')) {
      lines.push(partial.slice(0, i));
      partial = partial.slice(i + 1);
    }
    wakeAll();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      exitStatus = { code, signal };
      wakeAll();
      resolve(exitStatus);
    }),
  );
  return {
    lines,
    stderr: () => stderr,
    exit: () => exitStatus,
    waitForLines(n, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.length >= n) {
            done();
            resolve(lines.slice());
          } else if (exitStatus !== null) {
            done();
            reject(new Error(`etcdctl ${args.join(' ')} exited (${JSON.stringify(exitStatus)}) after ${lines.length} of ${n} lines:\n${lines.join('\n')}\n--- stderr\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} lines of etcdctl ${args.join(' ')}; got ${lines.length}:\n${lines.join('\n')}\n--- stderr\n${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exitStatus !== null) return exitStatus;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

/**
 * etcdctl bound to a cluster's endpoints (all of them by default), with the assertions every
 * test wants: ok() demands exit 0 and an empty stderr, json() parses `-w json` output.
 */
export class Etcdctl {
  readonly children = new Set<ChildProcess>();

  constructor(readonly endpoints: readonly string[]) {}

  run(args: readonly string[], opts: EtcdctlOptions = {}): Promise<RunResult> {
    return runEtcdctl(args, opts.endpoints ?? this.endpoints, opts);
  }

  /** Exit 0 and nothing on stderr; returns stdout. */
  async ok(args: readonly string[], opts: EtcdctlOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0 || r.stderr !== '') throw new Error(explainEtcdctl(args, r));
    return r.stdout;
  }

  /** `<args> -w json`, exit 0; the output parsed (big integers as strings, see parseEtcdJson). */
  async json<T>(args: readonly string[], opts: EtcdctlOptions = {}): Promise<T> {
    const full = [...args, '-w', 'json'];
    const out = await this.ok(full, opts);
    try {
      return parseEtcdJson<T>(out);
    } catch (e) {
      throw new Error(`etcdctl ${full.join(' ')} printed no JSON (${(e as Error).message}):\n${out}`);
    }
  }

  /** The store revision (the header of a serializable-or-not get of any key). */
  async revision(opts: EtcdctlOptions = {}): Promise<number> {
    const r = await this.json<JsonGet>(['get', 'revision-probe'], opts);
    if (typeof r.header.revision !== 'number') throw new Error(`no header revision: ${JSON.stringify(r)}`);
    return r.header.revision;
  }

  spawn(args: readonly string[], opts: { endpoints?: readonly string[] } = {}): RunningEtcdctl {
    return spawnEtcdctl(args, opts.endpoints ?? this.endpoints, this.children);
  }

  /** For afterAll: SIGKILL whatever is still running. */
  killAll(): void {
    for (const c of this.children) c.kill('SIGKILL');
  }
}
