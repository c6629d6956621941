import type { ConfChange, ConfChangeRefusal, MembershipConfig, NodeId } from './types';

/**
 * Cluster membership (dissertation chapter 4), single-server changes only: each change adds a
 * learner, promotes a learner to voter, or removes one node, so the majorities of the old and
 * the new configuration always overlap (4.1) and no joint consensus is needed.
 *
 * A 'config' log entry carries the change AND the whole configuration that results from it, so a
 * node reads its configuration from the latest config entry alone (no replay of earlier changes,
 * and a log prefix can be compacted away under a snapshot that records the configuration).
 *
 * Encoding, all integers u32 big-endian:
 *   version (=2) | change kind (1 addLearner, 2 promote, 3 removeNode) | change id |
 *   voter count | voters... | learner count | learners... | context length | context bytes...
 * Version 1 had no context (it decodes with an empty one). The context is opaque to Raft, as
 * etcd's ConfChange.Context: the state machine reads it when it applies the entry (an added
 * member's addresses, say), so every node learns it by applying the log, and a snapshot carries
 * what the state machine made of it.
 */
const CONFIG_ENTRY_VERSION = 2;
const CONFIG_ENTRY_VERSION_NO_CONTEXT = 1;
const CHANGE_CODES = { addLearner: 1, promote: 2, removeNode: 3 } as const;
const CHANGE_BY_CODE = new Map<number, ConfChange['type']>(Object.entries(CHANGE_CODES).map(([k, v]) => [v, k as ConfChange['type']]));
const WORD_BYTES = 4;
const NO_CONTEXT = new Uint8Array(0);

/** A config entry's bytes are corrupt: fatal to the core, a decode_error to the state machine. */
export class ConfigEntryDecodeError extends Error {
  constructor(reason: string) {
    super(`cannot decode config entry: ${reason}`);
    this.name = 'ConfigEntryDecodeError';
  }
}

export const EMPTY_CONFIG: MembershipConfig = { voters: [], learners: [] };

export function makeConfig(voters: readonly NodeId[], learners: readonly NodeId[] = []): MembershipConfig {
  return { voters: [...voters].sort((a, b) => a - b), learners: [...learners].sort((a, b) => a - b) };
}

export function isVoter(c: MembershipConfig, id: NodeId): boolean {
  return c.voters.includes(id);
}

export function isMember(c: MembershipConfig, id: NodeId): boolean {
  return c.voters.includes(id) || c.learners.includes(id);
}

export function members(c: MembershipConfig): NodeId[] {
  return [...c.voters, ...c.learners];
}

export function sameConfig(a: MembershipConfig, b: MembershipConfig): boolean {
  return a.voters.join(',') === b.voters.join(',') && a.learners.join(',') === b.learners.join(',');
}

export function describeConfig(c: MembershipConfig): string {
  return `voters [${c.voters.join(',')}]${c.learners.length > 0 ? ` learners [${c.learners.join(',')}]` : ''}`;
}

export function describeChange(ch: ConfChange): string {
  return `${ch.type}(${ch.id})`;
}

/**
 * The configuration after `change`, or why the change is refused: adding an existing member,
 * promoting a node that is not a learner, removing a non-member or the last voter.
 */
export function applyChange(c: MembershipConfig, change: ConfChange): { ok: true; config: MembershipConfig } | { ok: false; error: ConfChangeRefusal } {
  const id = change.id;
  if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, error: { code: 'invalid_id', id } };
  switch (change.type) {
    case 'addLearner':
      if (isMember(c, id)) return { ok: false, error: { code: 'already_member', id } };
      return { ok: true, config: makeConfig(c.voters, [...c.learners, id]) };
    case 'promote':
      if (!c.learners.includes(id)) return { ok: false, error: { code: 'not_learner', id } };
      return { ok: true, config: makeConfig([...c.voters, id], c.learners.filter((x) => x !== id)) };
    case 'removeNode':
      if (!isMember(c, id)) return { ok: false, error: { code: 'not_member', id } };
      if (c.voters.length === 1 && c.voters[0] === id) return { ok: false, error: { code: 'last_voter', id } };
      return { ok: true, config: makeConfig(c.voters.filter((x) => x !== id), c.learners.filter((x) => x !== id)) };
    default: {
      const never: never = change;
      throw new Error(`unknown configuration change ${JSON.stringify(never)}`);
    }
  }
}

export function encodeConfigEntry(change: ConfChange, config: MembershipConfig, context: Uint8Array = NO_CONTEXT): Uint8Array {
  const words = [CONFIG_ENTRY_VERSION, CHANGE_CODES[change.type], change.id, config.voters.length, ...config.voters, config.learners.length, ...config.learners, context.length];
  const out = new Uint8Array(WORD_BYTES * words.length + context.length);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(WORD_BYTES * i, w));
  out.set(context, WORD_BYTES * words.length);
  return out;
}

export interface DecodedConfigEntry {
  readonly change: ConfChange;
  readonly config: MembershipConfig;
  /** The proposer's opaque context (empty when none was given, and for a version 1 entry). */
  readonly context: Uint8Array;
}

/**
 * Throws ConfigEntryDecodeError on bytes that are not a config entry of version 1 or 2 (a
 * corrupt log is fatal, not ignorable).
 */
export function decodeConfigEntry(data: Uint8Array): DecodedConfigEntry {
  const r = new ConfigEntryReader(data);
  const version = r.word();
  if (version !== CONFIG_ENTRY_VERSION && version !== CONFIG_ENTRY_VERSION_NO_CONTEXT) throw new ConfigEntryDecodeError(`version ${version}`);
  const code = r.word();
  const type = CHANGE_BY_CODE.get(code);
  if (!type) throw new ConfigEntryDecodeError(`change code ${code}`);
  const change: ConfChange = { type, id: r.word() };
  const voters = r.ids('voters');
  const learners = r.ids('learners');
  const context = version === CONFIG_ENTRY_VERSION_NO_CONTEXT ? NO_CONTEXT : r.bytes();
  r.end();
  return { change, config: makeConfig(voters, learners), context };
}

/**
 * Reads a config entry front to back. Every count and length is checked against the bytes left
 * before anything is allocated, so a corrupt count cannot ask for gigabytes.
 */
class ConfigEntryReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  word(): number {
    if (this.remaining() < WORD_BYTES) throw new ConfigEntryDecodeError(`truncated at byte ${this.at}`);
    const w = this.view.getUint32(this.at);
    this.at += WORD_BYTES;
    return w;
  }

  /** A count, then that many node ids. */
  ids(what: string): NodeId[] {
    const n = this.word();
    if (n * WORD_BYTES > this.remaining()) throw new ConfigEntryDecodeError(`${n} ${what} in ${this.remaining()} bytes`);
    return Array.from({ length: n }, () => this.word());
  }

  /** A length, then that many bytes, copied so they never alias the log entry. */
  bytes(): Uint8Array {
    const n = this.word();
    if (n > this.remaining()) throw new ConfigEntryDecodeError(`context of ${n} bytes in ${this.remaining()}`);
    const out = Uint8Array.prototype.slice.call(this.data, this.at, this.at + n); // a copy even when data is a Buffer
    this.at += n;
    return out;
  }

  end(): void {
    if (this.remaining() !== 0) throw new ConfigEntryDecodeError(`${this.remaining()} trailing bytes`);
  }

  private remaining(): number {
    return this.data.length - this.at;
  }
}
