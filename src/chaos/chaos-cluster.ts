import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OrdoClient } from '../client/client';
import type { StatusResponse__Output } from '../generated/ordo/v1/StatusResponse';
import { repoRoot } from '../repo-root';

const run = promisify(execFile);
const SCRIPTS = join(repoRoot(), 'cluster-scripts');

export interface ChaosClusterOptions {
  readonly nodes: number;
  readonly basePort: number;
  readonly dataDir?: string;
  /** Extra environment for every node (the broken-build check sets ORDO_UNSAFE_STALE_READS). */
  readonly env?: Record<string, string>;
}

/**
 * A real cluster started by cluster-scripts with every peer link proxied (--proxy-peers), and the
 * process-level faults of the nemesis: kill -9, SIGSTOP/SIGCONT, restart, all through node.sh.
 */
export class ChaosCluster {
  readonly dataDir: string;
  endpoints: string[] = [];
  private readonly down = new Set<number>();
  private readonly paused = new Set<number>();
  private statusClient: OrdoClient | null = null;

  constructor(readonly opts: ChaosClusterOptions) {
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ordo-chaos-'));
  }

  get ids(): number[] {
    return Array.from({ length: this.opts.nodes }, (_, i) => i + 1);
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
    this.endpoints = readFileSync(join(this.dataDir, 'endpoints'), 'utf8').trim().split(',');
    this.statusClient = new OrdoClient(this.endpoints, { deadlineMs: 2000 });
  }

  async stop(): Promise<void> {
    this.statusClient?.close();
    await this.script('stop.sh', ['--data-dir', this.dataDir]).catch(() => undefined);
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

  /** Every node running and not paused. */
  async healProcesses(): Promise<void> {
    for (const id of [...this.paused]) await this.resume(id);
    for (const id of [...this.down]) await this.restart(id);
  }

  async statuses(withDigest = false): Promise<(StatusResponse__Output | null)[]> {
    const c = this.statusClient!;
    return Promise.all(this.endpoints.map((e) => c.status(e, 1500, withDigest)));
  }

  async leader(): Promise<number | null> {
    const s = await this.statuses();
    return s.find((x) => x?.role === 'leader')?.id ?? null;
  }

  private async node(action: string, id: number): Promise<void> {
    await this.script('node.sh', [action, String(id), '--data-dir', this.dataDir]);
  }

  private async script(name: string, args: string[]): Promise<void> {
    await run(join(SCRIPTS, name), args, { env: { ...process.env, ...this.opts.env }, timeout: 60_000 });
  }
}
