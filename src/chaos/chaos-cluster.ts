import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OrdoClient } from '../client/client';
import type { Member__Output } from '../generated/ordo/v1/Member';
import type { StatusResponse__Output } from '../generated/ordo/v1/StatusResponse';
import { repoRoot } from '../repo-root';

const run = promisify(execFile);
const SCRIPTS = join(repoRoot(), 'cluster-scripts');

export interface ChaosClusterOptions {
  readonly nodes: number;
  readonly basePort: number;
  /**
   * Ids nodes+1..maxId are spares that add() may bring in later (default nodes: none). Every id
   * up to maxId has its client endpoint in `endpoints` from the start.
   */
  readonly maxId?: number;
  readonly dataDir?: string;
  /** Extra environment for every node (the broken-build check sets ORDO_UNSAFE_STALE_READS). */
  readonly env?: Record<string, string>;
}

/**
 * A real cluster started by cluster-scripts with every peer link proxied (--proxy-peers), and the
 * process-level faults and membership changes of the nemesis: kill -9, SIGSTOP/SIGCONT, restart,
 * add, remove, all through node.sh. It keeps track of the current members: faults, heals and the
 * convergence check concern them alone.
 */
export class ChaosCluster {
  readonly dataDir: string;
  /** Every id the cluster may ever have: the original nodes, then the spares. */
  readonly allIds: readonly number[];
  private members: number[];
  /** Members that are learners: only a failed add leaves one (as syncMembers finds). */
  private learners = new Set<number>();
  /** Ids that were members or were being added once: a removed id never comes back. */
  private readonly used: Set<number>;
  private readonly down = new Set<number>();
  private readonly paused = new Set<number>();
  private unsure = false;
  /** Aborts the scripts still running when the run is stopped (a node.sh add may take a minute). */
  private readonly scripts = new AbortController();
  private statusClient: OrdoClient | null = null;

  constructor(readonly opts: ChaosClusterOptions) {
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ordo-chaos-'));
    this.allIds = Array.from({ length: opts.maxId ?? opts.nodes }, (_, i) => i + 1);
    this.members = this.allIds.slice(0, opts.nodes);
    this.used = new Set(this.members);
  }

  /** The current members, ascending. */
  get ids(): number[] {
    return [...this.members];
  }

  get voters(): number[] {
    return this.members.filter((id) => !this.learners.has(id));
  }

  /** Ids never used yet, which add() may take. */
  get spares(): number[] {
    return this.allIds.filter((id) => !this.used.has(id));
  }

  /**
   * The client endpoints of every id, members or not: clients skip the ones that do not answer,
   * so with this list they find whoever is a member.
   */
  get endpoints(): string[] {
    return this.allIds.map((id) => this.endpoint(id));
  }

  get memberEndpoints(): string[] {
    return this.members.map((id) => this.endpoint(id));
  }

  /** A membership script failed: what took effect is unknown until syncMembers. */
  get membershipUnsure(): boolean {
    return this.unsure;
  }

  /** Must match cluster-scripts/lib.sh client_port. */
  endpoint(id: number): string {
    return `127.0.0.1:${this.opts.basePort + id - 1}`;
  }

  peerPort(id: number): number {
    return this.opts.basePort + 50 + id - 1;
  }

  /** Must match cluster-scripts/lib.sh proxy_port. */
  proxyPort(from: number, to: number): number {
    return this.opts.basePort + 60 + 5 * (from - 1) + (to - 1);
  }

  async start(): Promise<void> {
    await this.script('start.sh', ['--nodes', String(this.opts.nodes), '--base-port', String(this.opts.basePort), '--data-dir', this.dataDir, '--proxy-peers']);
    this.statusClient = new OrdoClient(this.endpoints, { deadlineMs: 2000 });
  }

  /** Ends the scripts still running first, so none starts a node after stop.sh has run. */
  async stop(): Promise<void> {
    this.scripts.abort();
    this.statusClient?.close();
    await this.script('stop.sh', ['--data-dir', this.dataDir], false).catch(() => undefined);
  }

  isDown(id: number): boolean {
    return this.down.has(id);
  }

  isPaused(id: number): boolean {
    return this.paused.has(id);
  }

  async kill(id: number): Promise<void> {
    await this.node('kill', id);
    this.down.add(id);
  }

  async pause(id: number): Promise<void> {
    await this.node('pause', id);
    this.paused.add(id);
  }

  async resume(id: number): Promise<void> {
    await this.node('resume', id);
    this.paused.delete(id);
  }

  async restart(id: number): Promise<void> {
    await this.node('restart', id);
    this.down.delete(id);
    this.paused.delete(id);
  }

  /** SIGTERM, wait for a clean exit, start again on the same data (a rolling restart's step). */
  async gracefulRestart(id: number): Promise<void> {
    await this.node('stop', id);
    await this.restart(id);
  }

  /**
   * node.sh add: starts `id` (a spare) with --join, adds it as a learner, promotes it once it has
   * caught up. Its links out go through its proxies; links into it do not (see lib.sh).
   */
  async add(id: number): Promise<void> {
    this.used.add(id);
    await this.changeMembership('add', id);
    this.members = [...this.members, id].sort((a, b) => a - b);
  }

  /** node.sh remove: `ordo member remove`, then the node is stopped, dead or not. */
  async remove(id: number): Promise<void> {
    await this.changeMembership('remove', id);
    this.forget(id);
  }

  /**
   * The members as the leader has them committed, for when a membership script failed and what
   * took effect is unknown (a change that timed out may commit later). Nodes out of them are
   * stopped, so no removed node runs on; members new to the harness are (re)started, since a
   * failed add may have left them stopped. Returns the members.
   */
  async syncMembers(): Promise<number[]> {
    const committed = await this.committedMembers();
    const now = committed.map((m) => m.id).sort((a, b) => a - b);
    for (const id of this.allIds.filter((i) => !now.includes(i))) {
      await this.node('stop', id);
      this.forget(id);
    }
    for (const id of now.filter((i) => !this.members.includes(i))) await this.restart(id);
    for (const id of now) this.used.add(id);
    this.members = now;
    this.learners = new Set(committed.filter((m) => m.role === 'learner').map((m) => m.id));
    return this.ids;
  }

  /** Every member running and not paused. */
  async healProcesses(): Promise<void> {
    for (const id of [...this.paused]) await this.resume(id);
    for (const id of [...this.down]) await this.restart(id);
  }

  /** The members' statuses, in the order of `ids` (null: no answer). */
  async statuses(withDigest = false): Promise<(StatusResponse__Output | null)[]> {
    const c = this.statusClient!;
    return Promise.all(this.memberEndpoints.map((e) => c.status(e, 1500, withDigest)));
  }

  /** The id of a node that says it leads, asking every id: after a failed add, it may be one the harness does not count. */
  async leader(): Promise<number | null> {
    const s = await Promise.all(this.endpoints.map((e) => this.statusClient!.status(e, 1500)));
    return s.find((x) => x?.role === 'leader')?.id ?? null;
  }

  private forget(id: number): void {
    this.members = this.members.filter((m) => m !== id);
    this.learners.delete(id);
    this.down.delete(id);
    this.paused.delete(id);
  }

  private async changeMembership(action: 'add' | 'remove', id: number): Promise<void> {
    try {
      await this.node(action, id);
    } catch (e) {
      this.unsure = true;
      throw e;
    }
  }

  /** The leader's committed members; waits up to `timeoutMs` for a leader to answer. */
  private async committedMembers(timeoutMs = 30_000): Promise<Member__Output[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const leader = await this.leader();
      if (leader !== null) {
        // Asked of the leader alone: a lagging or removed node may still answer with an older membership.
        const c = new OrdoClient([this.endpoint(leader)], { deadlineMs: 2000 });
        try {
          return (await c.memberList()).members;
        } catch {
          // it lost its leadership meanwhile: look again
        } finally {
          c.close();
        }
      }
      if (Date.now() >= end) throw new Error(`no leader answered within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async node(action: string, id: number): Promise<void> {
    await this.script('node.sh', [action, String(id), '--data-dir', this.dataDir]);
  }

  /** Runs a cluster script; when it fails, the error says why in the script's own last words. */
  private async script(name: string, args: string[], abortOnStop = true): Promise<void> {
    try {
      const signal = abortOnStop ? this.scripts.signal : undefined;
      await run(join(SCRIPTS, name), args, { env: { ...process.env, ...this.opts.env }, timeout: 120_000, signal });
    } catch (e) {
      const why = String((e as { stderr?: string }).stderr ?? '').trim().split('\n').pop() || (e as Error).message;
      throw new Error(`${name} ${args.slice(0, 2).join(' ')}: ${why}`);
    }
  }
}
