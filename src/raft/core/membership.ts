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
 *   version (=1) | change kind (1 addLearner, 2 promote, 3 removeNode) | change id |
 *   voter count | voters... | learner count | learners...
 */
const CONFIG_ENTRY_VERSION = 1;
const CHANGE_CODES = { addLearner: 1, promote: 2, removeNode: 3 } as const;
const CHANGE_BY_CODE = new Map<number, ConfChange['type']>(Object.entries(CHANGE_CODES).map(([k, v]) => [v, k as ConfChange['type']]));
/** Sanity bound on a decoded configuration (a corrupt count must not allocate gigabytes). */
const MEMBERS_MAX = 1024;

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

export function encodeConfigEntry(change: ConfChange, config: MembershipConfig): Uint8Array {
  const words = [CONFIG_ENTRY_VERSION, CHANGE_CODES[change.type], change.id, config.voters.length, ...config.voters, config.learners.length, ...config.learners];
  const out = new Uint8Array(4 * words.length);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w));
  return out;
}

export interface DecodedConfigEntry {
  readonly change: ConfChange;
  readonly config: MembershipConfig;
}

/** Throws on bytes that are not a config entry of this version (a corrupt log is fatal, not ignorable). */
export function decodeConfigEntry(data: Uint8Array): DecodedConfigEntry {
  if (data.length % 4 !== 0 || data.length < 20) throw new Error(`config entry of ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length / 4;
  const word = (i: number): number => {
    if (i >= n) throw new Error('config entry truncated');
    return view.getUint32(4 * i);
  };
  if (word(0) !== CONFIG_ENTRY_VERSION) throw new Error(`config entry version ${word(0)}`);
  const type = CHANGE_BY_CODE.get(word(1));
  if (!type) throw new Error(`config entry change code ${word(1)}`);
  const change: ConfChange = { type, id: word(2) };
  const voterCount = word(3);
  if (voterCount > MEMBERS_MAX) throw new Error(`config entry with ${voterCount} voters`);
  const voters = Array.from({ length: voterCount }, (_, k) => word(4 + k));
  const learnerCount = word(4 + voterCount);
  if (learnerCount > MEMBERS_MAX) throw new Error(`config entry with ${learnerCount} learners`);
  const learners = Array.from({ length: learnerCount }, (_, k) => word(5 + voterCount + k));
  if (5 + voterCount + learnerCount !== n) throw new Error('config entry has trailing bytes');
  return { change, config: makeConfig(voters, learners) };
}
