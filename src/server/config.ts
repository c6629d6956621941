import { readFileSync } from 'node:fs';
import type { NodeId } from '../raft/core/types';

/** One member of the cluster, as every node's configuration lists it. */
export interface MemberConfig {
  readonly id: NodeId;
  /** Where clients reach it (KV, Cluster services). */
  readonly clientAddress: string;
  /** Where peers reach it (Raft streams); a test may point this at a fault-injecting proxy. */
  readonly peerAddress: string;
}

export interface ServerConfig {
  readonly id: NodeId;
  readonly cluster: string;
  readonly listen: string;
  readonly peerListen: string;
  readonly members: readonly MemberConfig[];
  /**
   * This node is not one of the bootstrap voters (`members` minus itself are): it joins a running
   * cluster and serves once a member adds it (`ordo member add`, `cluster-scripts/node.sh add`).
   */
  readonly join: boolean;
  readonly dataDir: string;
  readonly tickMs: number;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  /** How often an idle etcd watch that asked for progress_notify hears the current revision. */
  readonly watchProgressNotifyMs: number;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  readonly maxUncommittedBytes: number;
  /** Take a snapshot (and compact the log) after this many applied entries... */
  readonly snapshotEntries: number;
  /** ... or this many bytes of applied entries, whichever comes first. */
  readonly snapshotBytes: number;
  /** Entries kept below a snapshot so a follower slightly behind catches up from the log. */
  readonly snapshotTrailingEntries: number;
  readonly logLevel: string;
}

export class ConfigError extends Error {}

export const serverDefaults = {
  cluster: 'ordo',
  tickMs: 10,
  heartbeatMs: 50,
  electionMs: 500,
  watchProgressNotifyMs: 10 * 60 * 1000,
  keyBytesMax: 4096,
  valueBytesMax: 1 << 20,
  maxUncommittedBytes: 64 << 20,
  snapshotEntries: 10_000,
  snapshotBytes: 64 << 20,
  snapshotTrailingEntries: 1000,
  logLevel: 'info',
} as const;

/**
 * `--members 1=127.0.0.1:2379/127.0.0.1:2380,2=...`: id=clientAddress/peerAddress for each member.
 * Parsed and checked in one place, each bad field named.
 */
export function parseMembers(spec: string): MemberConfig[] {
  const members = spec.split(',').filter(Boolean).map((part) => {
    const m = /^(\d+)=([^/=,\s]+:\d+)\/([^/=,\s]+:\d+)$/.exec(part.trim());
    if (!m) throw new ConfigError(`members: "${part}" is not id=clientHost:port/peerHost:port`);
    return { id: Number(m[1]), clientAddress: m[2], peerAddress: m[3] };
  });
  return members;
}

export function validateConfig(c: ServerConfig): ServerConfig {
  const positive = (field: keyof ServerConfig) => {
    const v = c[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new ConfigError(`${field} must be a positive integer, got ${String(v)}`);
  };
  (['id', 'tickMs', 'heartbeatMs', 'electionMs', 'watchProgressNotifyMs', 'keyBytesMax', 'valueBytesMax', 'maxUncommittedBytes', 'snapshotEntries', 'snapshotBytes'] as const).forEach(positive);
  if (!Number.isSafeInteger(c.snapshotTrailingEntries) || c.snapshotTrailingEntries < 0) {
    throw new ConfigError(`snapshotTrailingEntries must be a non-negative integer, got ${String(c.snapshotTrailingEntries)}`);
  }
  if (c.join && c.members.length < 2) throw new ConfigError('join needs the cluster\'s bootstrap members in members, besides this node');
  if (!c.dataDir) throw new ConfigError('data-dir is required');
  if (!/^[^:\s]+:\d+$/.test(c.listen)) throw new ConfigError(`listen must be host:port, got "${c.listen}"`);
  if (!/^[^:\s]+:\d+$/.test(c.peerListen)) throw new ConfigError(`peer-listen must be host:port, got "${c.peerListen}"`);
  const ids = c.members.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new ConfigError(`members: duplicate node id in ${ids.join(',')}`);
  if (!ids.includes(c.id)) throw new ConfigError(`members must include this node's id ${c.id} (got ${ids.join(',') || 'none'})`);
  if (c.heartbeatMs < c.tickMs) throw new ConfigError(`heartbeat-ms (${c.heartbeatMs}) must be at least tick-ms (${c.tickMs})`);
  if (c.electionMs < 3 * c.heartbeatMs) {
    throw new ConfigError(`election-ms (${c.electionMs}) must be at least 3x heartbeat-ms (${c.heartbeatMs}) so a healthy leader is never suspected`);
  }
  return c;
}

/** Reads a JSON config file whose fields are those of ServerConfig (members as an array or the flag's string form). */
export function readConfigFile(path: string): Partial<ServerConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(`config file ${path}: not a JSON object`);
  const obj = raw as Record<string, unknown>;
  if (typeof obj.members === 'string') return { ...obj, members: parseMembers(obj.members) } as Partial<ServerConfig>;
  return obj as Partial<ServerConfig>;
}
