/**
 * Support for the integration tests: real `ordo server` processes started by cluster-scripts/,
 * real LevelDB, real gRPC, and the real CLI (`node bin/ordo ...`, which runs dist/: build first
 * with `npm run build`).
 *
 * Every test file gets its own base port (PORT_BLOCKS) and its own mktemp dir. `destroy()` runs
 * stop.sh, then kills by pid anything still running from that dir (found through /proc, by the
 * unique dir in its command line), then removes the dir. It runs from afterAll, which jest runs
 * even when a test or a beforeAll fails; a detached watchdog per cluster does the same if the
 * test process dies without getting there, and start() reaps dirs whose owner is gone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPTS = path.join(ROOT, 'cluster-scripts');
const BIN = path.join(ROOT, 'bin', 'ordo');

/**
 * One block of 100 ports per test file, in 27000-27099 and 27600-28999. Node i of a cluster based at P uses
 * P+i-1 (clients) and P+50+i-1 (peers), so a block holds a 9-node cluster, or two small clusters
 * at P and P+10 (quorum.test.ts does that).
 */
export const PORT_BLOCKS = {
  basic: 27600,
  failover: 27700,
  'full-restart': 27800,
  quorum: 27900,
  corruption: 28000,
  'bad-input': 28100,
  // The log-*.test.ts files share the blocks at 28800 and 28900, 10 ports apart: each runs one
  // 3-node cluster (clients P..P+2, peers P+50..P+52), so none overlaps another.
  'log-consumers': 28800,
  'log-failover': 28810,
  'log-compaction': 28820,
  'log-slow-subscriber': 28900,
  'log-bad-input': 28910,
  // The etcd-compatibility files share the block at 28200 the same way (3 nodes each, 10 apart).
  etcdctl: 28200,
  'etcd3-client': 28210,
  'etcd-bad-input': 28220,
  // Snapshots and membership: 3-node clusters growing to 5 (ids up to 5 fit in a 10-port slice).
  // test/chaos uses 28300-28599 and 29200-29599, link-proxy.test.ts 28700, test/scripts 29600.
  snapshots: 28600,
  membership: 27000,
  'membership-bad-input': 27010,
} as const;
export type TestFile = keyof typeof PORT_BLOCKS;

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/** What `ordo status --json` prints for one endpoint. */
export interface StatusRow {
  id: number | null;
  address: string;
  role: string;
  term: number | null;
  leaderId: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  lastLogIndex: number | null;
}

export function explain(r: RunResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''} after ${r.ms} ms\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/**
 * The environment of every process these tests start: ours minus ORDO_* (ORDO_ENDPOINTS,
 * ORDO_NODE_ARGS, unsafe test modes...), so a developer's shell cannot change what is tested.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORDO_')));
}

/** Runs a command to completion (or SIGKILL at `timeoutMs`) without blocking the event loop. */
export function run(cmd: string, args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = cleanEnv()): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs a cluster script synchronously (they are short and must finish before we go on). */
function script(name: string, args: readonly string[], timeoutMs = 60_000, nodeArgs = ''): RunResult {
  const started = Date.now();
  const env = nodeArgs ? { ...cleanEnv(), ORDO_NODE_ARGS: nodeArgs } : cleanEnv();
  const r = spawnSync('bash', [path.join(SCRIPTS, name), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    ms: Date.now() - started,
    timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT',
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` until it returns a non-undefined value, or throws after `timeoutMs` with `what`
 * and the last value/error seen: every wait in these tests is a deadline, never a fixed sleep.
 */
export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'no attempt';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      last = 'condition not met';
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : typeof last === 'string' ? last : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${detail}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * bin/ordo runs dist/: fails fast when it is missing, and warns (once) when some src/ file is
 * newer than its compiled output, since the processes would then run older code than src/ holds.
 * Only a warning: other work in progress in src/ should not block these tests.
 */
let builtChecked = false;
function assertBuilt(): void {
  if (builtChecked) return;
  builtChecked = true;
  const main = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` before the integration tests`);
  const builtAt = fs.statSync(main).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && fs.statSync(p).mtimeMs > builtAt) {
        const js = path.join(ROOT, 'dist', path.relative(ROOT, p)).replace(/\.ts$/, '.js');
        // A src file without output yet is new work nothing in dist/ requires: not our concern.
        if (fs.existsSync(js) && fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) newer.push(path.relative(ROOT, p));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  if (newer.length > 0) {
    process.stderr.write(`[integration] warning: dist/ is older than ${newer.slice(0, 5).join(', ')}${newer.length > 5 ? ', ...' : ''}; run \`npm run build\`\n`);
  }
}

/** Pids of live processes whose command line mentions `needle` (the cluster's unique dir). */
function pidsMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cleans up after the test process if it dies without running afterAll (SIGKILL, a crash, a
 * Ctrl-C that reaches only jest): a detached shell that polls the owner's pid and, once it is
 * gone, runs stop.sh, SIGKILLs what still runs from the dir, and removes it. (process.on('exit')
 * or signal handlers cannot do this: inside a jest sandbox `process` is a copy whose events never
 * fire.) The dir travels in the environment, not argv, so the watchdog never matches its own
 * scan. destroy() kills it first, by pid.
 */
const WATCHDOG = `
while kill -0 "$ORDO_IT_OWNER" 2>/dev/null && [ -d "$ORDO_IT_DIR" ]; do sleep 0.5; done
[ -d "$ORDO_IT_DIR" ] || exit 0
bash "$ORDO_IT_SCRIPTS/stop.sh" --data-dir "$ORDO_IT_DIR" >/dev/null 2>&1
for p in /proc/[0-9]*; do
  [ "\${p#/proc/}" = "$$" ] && continue
  tr '\\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$ORDO_IT_DIR" && kill -CONT "\${p#/proc/}" 2>/dev/null && kill -KILL "\${p#/proc/}" 2>/dev/null
done
rm -rf "$ORDO_IT_DIR"
`;

function startWatchdog(dir: string): ChildProcess {
  const child = spawn('bash', ['-c', WATCHDOG], {
    detached: true,
    stdio: 'ignore',
    env: { ...cleanEnv(), ORDO_IT_OWNER: String(process.pid), ORDO_IT_DIR: dir, ORDO_IT_SCRIPTS: SCRIPTS },
  });
  child.unref();
  return child;
}

const OWNER_FILE = 'owner.pid';
const DIR_PREFIX = 'ordo-it-';

/**
 * After a SIGKILLed test run, nothing above ran: its nodes still hold this file's ports. Every
 * cluster dir records the pid of the test process that owns it; a dir of this test file whose
 * owner is gone is cleaned up here (stop.sh, kill by pid, rm) before a new cluster starts.
 */
function reapOrphans(file: TestFile): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(`${DIR_PREFIX}${file}-`)) continue;
    const dir = path.join(tmp, name);
    try {
      const ownerFile = path.join(dir, OWNER_FILE);
      if (fs.existsSync(ownerFile)) {
        if (alive(Number(fs.readFileSync(ownerFile, 'utf8')))) continue;
      } else if (Date.now() - fs.statSync(dir).mtimeMs < 60_000) {
        continue; // being created right now
      }
      process.stderr.write(`[integration] cleaning up ${dir}, left behind by a test run that is gone\n`);
      cleanDir(dir);
    } catch {
      // raced with its owner's own cleanup
    }
  }
}

/** stop.sh, then SIGKILL by pid whatever still runs from `dir`, then rm -rf; returns those pids. */
function cleanDir(dir: string): number[] {
  if (fs.existsSync(path.join(dir, 'cluster.env'))) script('stop.sh', ['--data-dir', dir], 30_000);
  const leftovers = pidsMentioning(dir);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const until = Date.now() + 5000;
  while (leftovers.some(alive) && Date.now() < until) spawnSync('sleep', ['0.05']);
  fs.rmSync(dir, { recursive: true, force: true });
  return leftovers;
}

export interface StartOptions {
  nodes?: number;
  /** Added to the file's port block (quorum.test.ts runs a second cluster at +10). */
  portOffset?: number;
  /** Extra `ordo server` flags for every node, at start and at every restart or add (ORDO_NODE_ARGS). */
  nodeArgs?: string;
}

export type NodeAction = 'kill' | 'pause' | 'resume' | 'restart' | 'stop' | 'add' | 'remove';

export class Cluster {
  readonly dir: string;
  readonly basePort: number;
  readonly nodes: number;
  readonly endpoints: string[];
  private readonly directChildren = new Set<ChildProcess>();
  private destroyed = false;

  private constructor(
    dir: string,
    basePort: number,
    nodes: number,
    private readonly watchdog: ChildProcess,
    private readonly nodeArgs: string,
  ) {
    this.dir = dir;
    this.basePort = basePort;
    this.nodes = nodes;
    this.endpoints = Array.from({ length: nodes }, (_, i) => `127.0.0.1:${basePort + i}`);
  }

  /** Starts `nodes` nodes in a fresh temp dir; returns once every node listens (start.sh waits). */
  static start(file: TestFile, opts: StartOptions = {}): Cluster {
    assertBuilt();
    const nodes = opts.nodes ?? 3;
    const basePort = PORT_BLOCKS[file] + (opts.portOffset ?? 0);
    reapOrphans(file);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}${file}-`)));
    fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
    const c = new Cluster(dir, basePort, nodes, startWatchdog(dir), opts.nodeArgs ?? '');
    const r = script('start.sh', ['--nodes', String(nodes), '--base-port', String(basePort), '--data-dir', dir], 60_000, c.nodeArgs);
    if (r.code !== 0) {
      const logs = c.logs();
      c.destroySync();
      throw new Error(`start.sh failed: ${explain(r)}\n--- node logs\n${logs}`);
    }
    const written = fs.readFileSync(path.join(dir, 'endpoints'), 'utf8').trim();
    if (written !== c.endpoints.join(',')) {
      c.destroySync();
      throw new Error(`endpoints file says ${written}, expected ${c.endpoints.join(',')}`);
    }
    return c;
  }

  /** Node `id`'s client endpoint (ids beyond the started nodes: those node.sh add starts). */
  endpoint(id: number): string {
    return `127.0.0.1:${this.basePort + id - 1}`;
  }

  dataDir(id: number): string {
    return path.join(this.dir, `n${id}`, 'data');
  }

  logFile(id: number): string {
    return path.join(this.dir, `n${id}.log`);
  }

  /** Tail of every node's log, for failure messages. */
  logs(lines = 15): string {
    const out: string[] = [];
    for (let id = 1; id <= 9; id++) {
      const f = this.logFile(id);
      if (id > this.nodes && !fs.existsSync(f)) continue; // only nodes added later, if any
      const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
      out.push(`== n${id}.log\n${text}`);
    }
    return out.join('\n');
  }

  /** `ordo <args> --endpoints <endpoints>`; endpoints default to every node. */
  ordo(args: readonly string[], opts: { endpoints?: readonly string[]; timeoutMs?: number } = {}): Promise<RunResult> {
    const endpoints = (opts.endpoints ?? this.endpoints).join(',');
    return run(process.execPath, [BIN, ...args, '--endpoints', endpoints], opts.timeoutMs ?? 30_000);
  }

  /** Like ordo(), but the command must exit 0; returns stdout. */
  async ordoOk(args: readonly string[], opts: { endpoints?: readonly string[]; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.ordo(args, opts);
    if (r.code !== 0) throw new Error(`ordo ${args.join(' ')} failed: ${explain(r)}`);
    return r.stdout;
  }

  /** `ordo status --json` over the given endpoints (default: all). Unreachable nodes have role "unreachable". */
  async status(endpoints: readonly string[] = this.endpoints): Promise<StatusRow[]> {
    const r = await this.ordo(['status', '--json'], { endpoints, timeoutMs: 15_000 });
    // Exit 2 with a JSON array on stdout means every endpoint is unreachable.
    if (r.code !== 0 && r.code !== 2) throw new Error(`ordo status --json failed: ${explain(r)}`);
    return JSON.parse(r.stdout) as StatusRow[];
  }

  /**
   * Waits until the given endpoints (default: all) agree on one leader: exactly one says
   * "leader", and every reachable one names it as leaderId at the same term. `minTerm` waits for
   * a leader elected after a failure (term above the old one).
   */
  async waitForLeader(opts: { endpoints?: readonly string[]; minTerm?: number; timeoutMs?: number } = {}): Promise<{ leader: StatusRow; rows: StatusRow[] }> {
    const endpoints = opts.endpoints ?? this.endpoints;
    const minTerm = opts.minTerm ?? 1;
    try {
      return await poll(`a leader among ${endpoints.join(',')} (term >= ${minTerm})`, opts.timeoutMs ?? 20_000, async () => {
        const rows = await this.status(endpoints);
        const up = rows.filter((r) => r.role !== 'unreachable');
        const leaders = up.filter((r) => r.role === 'leader');
        if (leaders.length !== 1) throw new Error(`leaders: ${JSON.stringify(rows)}`);
        const leader = leaders[0]!;
        if ((leader.term ?? 0) < minTerm) throw new Error(`leader term ${leader.term} < ${minTerm}: ${JSON.stringify(rows)}`);
        if (!up.every((r) => r.leaderId === leader.id && r.term === leader.term)) throw new Error(`not settled: ${JSON.stringify(rows)}`);
        return { leader, rows };
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${this.logs()}`);
    }
  }

  /** Polls until the given nodes report the same lastLogIndex, commitIndex and appliedIndex. */
  async waitForConvergence(ids: readonly number[], timeoutMs = 30_000): Promise<StatusRow[]> {
    const endpoints = ids.map((id) => this.endpoint(id));
    return poll(`nodes ${ids.join(',')} to converge`, timeoutMs, async () => {
      const rows = await this.status(endpoints);
      const first = rows[0]!;
      const same = rows.every(
        (r) => r.role !== 'unreachable' && r.lastLogIndex === first.lastLogIndex && r.commitIndex === first.commitIndex && r.appliedIndex === first.appliedIndex,
      );
      if (!same || first.commitIndex !== first.lastLogIndex) throw new Error(JSON.stringify(rows));
      return rows;
    });
  }

  /** cluster-scripts/node.sh <action> <id>; returns the result without judging it. */
  node(action: NodeAction, id: number): RunResult {
    return script('node.sh', [action, String(id), '--data-dir', this.dir], 120_000, this.nodeArgs);
  }

  /** Like node(), but the script must succeed. */
  nodeOk(action: NodeAction, id: number): RunResult {
    const r = this.node(action, id);
    if (r.code !== 0) throw new Error(`node.sh ${action} ${id} failed: ${explain(r)}\n${this.logs()}`);
    return r;
  }

  /** node() without blocking the event loop, so several can run at once (and clients keep going). */
  nodeAsync(action: NodeAction, id: number): Promise<RunResult> {
    const env = this.nodeArgs ? { ...cleanEnv(), ORDO_NODE_ARGS: this.nodeArgs } : cleanEnv();
    return run('bash', [path.join(SCRIPTS, 'node.sh'), action, String(id), '--data-dir', this.dir], 120_000, env);
  }

  /** Runs `node bin/ordo server ...` directly (tracked: destroy() kills it if still running). */
  spawnServer(args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
    return new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, [BIN, 'server', ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      this.directChildren.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.directChildren.delete(child);
        resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
      });
    });
  }

  /** The --members spec start.sh gives every node of this cluster. */
  membersSpec(): string {
    return Array.from({ length: this.nodes }, (_, i) => `${i + 1}=127.0.0.1:${this.basePort + i}/127.0.0.1:${this.basePort + 50 + i}`).join(',');
  }

  /**
   * stop.sh, then SIGKILL (by pid) whatever still runs from this dir, then rm -rf the dir.
   * Returns the pids stop.sh left behind (none expected).
   */
  destroySync(): number[] {
    if (this.destroyed) return [];
    this.destroyed = true;
    this.watchdog.kill('SIGKILL');
    for (const child of this.directChildren) child.kill('SIGKILL');
    return cleanDir(this.dir);
  }

  /** For afterAll: cleans up, and fails loudly if stop.sh left a process behind. */
  destroy(): void {
    const leftovers = this.destroySync();
    if (leftovers.length > 0) throw new Error(`stop.sh left processes ${leftovers.join(',')} running (killed them)`);
  }
}

/** Keys and values of `ordo range` output (alternating lines). */
export function parseRange(stdout: string): Array<[string, string]> {
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < lines.length; i += 2) out.push([lines[i]!, lines[i + 1]!]);
  return out;
}
