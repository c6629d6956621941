/**
 * The state machine's persisted keyspace: opaque (key, value) records that a storage layer
 * writes into LevelDB under its own prefix (ARCHITECTURE: `m/`). Keys sort by kind then by
 * identity. The records here are the in-memory state (loaded at start-up by restore); topic
 * records and the KV change log are lazy and live in log-records.ts.
 *
 *   "g" group 0x00 topic         -> v1 offset                                    (consumer offset)
 *   "i" topic 0x00 key           -> v1 offset size               (compacted topic: latest of key)
 *   "k" key                      -> v2 createRevision modRevision version lease value...  (KV pair)
 *   "l" id:be64                  -> v1 ttlSeconds                                    (lease)
 *   "m"                          -> v3 revision maxStampMs compactRevision nextLeaseId logDigest:8 (meta)
 *   "n" id:be64                  -> v1 peerAddress:str clientAddress:str  (member, see members.ts)
 *   "s" clientId                 -> v2 lastSeq lastUsedMs outcome   (session, see response-codec.ts)
 *   "t" topic                    -> v1 policy earliestOffset nextOffset records bytes  (topic)
 *   "z" topic 0x00 offset:be64   -> v1 size                (retained topic: size of one record)
 *
 * Every value starts with a format version byte so the layout can evolve. Older versions still
 * decode: meta v1 (revision, maxStampMs) with the digest of no lazy record, meta v1 and v2 with
 * compactRevision 0 and nextLeaseId 1 (and a revision of 0 read as 1, etcd's empty store); KV v1
 * (no lease) with lease 0; session v1, whose cached key-value pairs have no lease, with lease 0.
 * The applied index is not a record: the storage layer writes it in the same batch (see
 * StateMachine.takeMutations). Topic names never contain 0x00 and group names hold no control
 * character, so the 0x00 separator is unambiguous.
 */

import { ByteReader, ByteWriter } from './binary';
import { asciiBytes, concatBytes, fromUtf8, readU64BE, utf8, writeU64BE } from './bytes';
import type { TopicPolicy } from './command';
import { readPolicy, writePolicy } from './command-codec';
import { Fnv1a64 } from './digest';
import { checkLazyRecord } from './log-records';
import { RecordDecodeError } from './record-error';
import { readMemberAddress, writeMemberAddress, type MemberAddress, type MemberInfo } from './members';
import type { KeyValue, LeaseInfo, TopicInfo } from './results';
import { readOutcome, writeOutcome } from './response-codec';
import type { GroupOffset } from './consumer-offsets';
import type { SessionEntry } from './sessions';
import type { TopicRecordsLoaded } from './topics';
import { groupNameProblem, topicNameProblem } from './validate';

export { RecordDecodeError } from './record-error';

export const RECORD_FORMAT_VERSION = 1;
const META_FORMAT_VERSION = 3;
const KV_FORMAT_VERSION = 2;
const SESSION_FORMAT_VERSION = 2;

const PREFIX_GROUP = 0x67; // 'g'
const PREFIX_COMPACT_INDEX = 0x69; // 'i'
const PREFIX_KV = 0x6b; // 'k'
const PREFIX_LEASE = 0x6c; // 'l'
const PREFIX_META = 0x6d; // 'm'
const PREFIX_MEMBER = 0x6e; // 'n'
const PREFIX_SESSION = 0x73; // 's'
const PREFIX_TOPIC = 0x74; // 't'
const PREFIX_SIZE = 0x7a; // 'z'
const SEPARATOR = 0x00;
const U64_BYTES = 8;

export const META_RECORD_KEY: Uint8Array = Uint8Array.of(PREFIX_META);

export interface MetaState {
  /** The KV store revision (1 for an empty store, +1 per command that wrote the keyspace). */
  readonly revision: number;
  readonly maxStampMs: number;
  /** Revision of the last compaction (0: never compacted). */
  readonly compactRevision: number;
  /** Where the search for the next assigned lease id starts (ids are never handed out twice). */
  readonly nextLeaseId: number;
  /** Running FNV-1a 64 state over every lazy record mutation, in apply order (Fnv1a64.toBytes). */
  readonly logDigest: Uint8Array;
}

export type DecodedRecord =
  | { readonly kind: 'meta'; readonly meta: MetaState }
  | { readonly kind: 'kv'; readonly kv: KeyValue }
  | { readonly kind: 'lease'; readonly lease: LeaseInfo }
  | { readonly kind: 'session'; readonly session: SessionEntry }
  | { readonly kind: 'member'; readonly member: MemberInfo }
  | { readonly kind: 'topic'; readonly topic: TopicInfo }
  | { readonly kind: 'groupOffset'; readonly group: string; readonly topic: string; readonly offset: number }
  | { readonly kind: 'compactKey'; readonly topic: string; readonly key: Uint8Array; readonly offset: number; readonly size: number }
  | { readonly kind: 'retainedSize'; readonly topic: string; readonly offset: number; readonly size: number }
  /** A topic record, KV change or KV history record: checked, but not state restore keeps. */
  | { readonly kind: 'lazy' };

// ---------------------------------------------------------------- keys

export function kvRecordKey(key: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_KV), key]);
}

export function leaseRecordKey(id: number): Uint8Array {
  return idRecordKey(PREFIX_LEASE, id);
}

export function memberRecordKey(id: number): Uint8Array {
  return idRecordKey(PREFIX_MEMBER, id);
}

/** Big-endian, so byte order is id order. */
function idRecordKey(prefix: number, id: number): Uint8Array {
  const key = new Uint8Array(1 + U64_BYTES);
  key[0] = prefix;
  writeU64BE(key, 1, id);
  return key;
}

export function sessionRecordKey(clientId: string): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_SESSION), utf8(clientId)]);
}

/** The topic name was validated when the topic was created. */
export function topicMetaKey(topic: string): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_TOPIC), asciiBytes(topic)]);
}

export function groupOffsetKey(group: string, topic: string): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_GROUP), utf8(group), Uint8Array.of(SEPARATOR), asciiBytes(topic)]);
}

export function compactIndexKey(topic: string, key: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_COMPACT_INDEX), asciiBytes(topic), Uint8Array.of(SEPARATOR), key]);
}

export function retainedSizeKey(topic: string, offset: number): Uint8Array {
  const key = new Uint8Array(1 + topic.length + 1 + U64_BYTES);
  key[0] = PREFIX_SIZE;
  key.set(asciiBytes(topic), 1);
  key[1 + topic.length] = SEPARATOR;
  writeU64BE(key, 2 + topic.length, offset);
  return key;
}

// ---------------------------------------------------------------- encode

export function encodeKvRecord(kv: KeyValue): Uint8Array {
  const w = new ByteWriter().u8(KV_FORMAT_VERSION);
  w.uvarint(kv.createRevision).uvarint(kv.modRevision).uvarint(kv.version).uvarint(kv.lease);
  return w.raw(kv.value).finish();
}

export function encodeLeaseRecord(ttlSeconds: number): Uint8Array {
  return new ByteWriter().u8(RECORD_FORMAT_VERSION).uvarint(ttlSeconds).finish();
}

export function encodeMemberRecord(address: MemberAddress): Uint8Array {
  return writeMemberAddress(new ByteWriter().u8(RECORD_FORMAT_VERSION), address).finish();
}

export function encodeSessionRecord(entry: SessionEntry): Uint8Array {
  const w = new ByteWriter().u8(SESSION_FORMAT_VERSION);
  w.uvarint(entry.lastSeq).uvarint(entry.lastUsedMs);
  writeOutcome(w, entry.outcome);
  return w.finish();
}

export function encodeMetaRecord(meta: MetaState): Uint8Array {
  const w = new ByteWriter().u8(META_FORMAT_VERSION).uvarint(meta.revision).uvarint(meta.maxStampMs);
  w.uvarint(meta.compactRevision).uvarint(meta.nextLeaseId);
  return w.raw(meta.logDigest).finish();
}

export function encodeTopicMetaRecord(info: TopicInfo): Uint8Array {
  const w = new ByteWriter().u8(RECORD_FORMAT_VERSION);
  writePolicy(w, info.policy);
  return w.uvarint(info.earliestOffset).uvarint(info.nextOffset).uvarint(info.records).uvarint(info.bytes).finish();
}

export function encodeGroupOffsetRecord(offset: number): Uint8Array {
  return new ByteWriter().u8(RECORD_FORMAT_VERSION).uvarint(offset).finish();
}

export function encodeCompactIndexRecord(offset: number, size: number): Uint8Array {
  return new ByteWriter().u8(RECORD_FORMAT_VERSION).uvarint(offset).uvarint(size).finish();
}

export function encodeRetainedSizeRecord(size: number): Uint8Array {
  return new ByteWriter().u8(RECORD_FORMAT_VERSION).uvarint(size).finish();
}

// ---------------------------------------------------------------- decode

/** Throws RecordDecodeError on anything it does not recognise. */
export function decodeRecord(key: Uint8Array, value: Uint8Array): DecodedRecord {
  if (checkLazyRecord(key, value)) return { kind: 'lazy' };
  const r = new ByteReader(value, (reason) => new RecordDecodeError(reason));
  const version = r.u8();
  const kind = key[0];
  if (kind === PREFIX_META && key.length === 1) return decodeMeta(r, version);
  const id = key.slice(1);
  if (kind === PREFIX_KV && id.length > 0 && (version === 1 || version === KV_FORMAT_VERSION)) return decodeKv(r, id, version);
  if (kind === PREFIX_SESSION && id.length > 0 && (version === 1 || version === SESSION_FORMAT_VERSION)) {
    const session = decodeSession(r, id, version);
    r.end();
    return session;
  }
  if (version !== RECORD_FORMAT_VERSION) throw new RecordDecodeError(`unsupported record version ${version}`);
  let decoded: DecodedRecord | null = null;
  if (kind === PREFIX_LEASE) decoded = decodeLease(r, id);
  else if (kind === PREFIX_MEMBER) decoded = decodeMember(r, id);
  else if (kind === PREFIX_TOPIC) decoded = decodeTopicMeta(r, id);
  else if (kind === PREFIX_GROUP) decoded = decodeGroupOffset(r, id);
  else if (kind === PREFIX_COMPACT_INDEX) decoded = decodeCompactIndex(r, id);
  else if (kind === PREFIX_SIZE) decoded = decodeRetainedSize(r, id);
  if (decoded === null) throw new RecordDecodeError(`unknown record key kind ${String(kind)} (length ${key.length}) or version ${version}`);
  r.end();
  return decoded;
}

function decodeMeta(r: ByteReader, version: number): DecodedRecord {
  if (version < 1 || version > META_FORMAT_VERSION) throw new RecordDecodeError(`unsupported meta record version ${version}`);
  // v1 and v2 stored the Raft index of the last KV write, 0 for none: etcd's empty store is at 1.
  const revision = version < 3 ? Math.max(1, r.uvarint()) : r.uvarint();
  const maxStampMs = r.uvarint();
  const compactRevision = version < 3 ? 0 : r.uvarint();
  const nextLeaseId = version < 3 ? 1 : r.uvarint();
  // v1 was written before any lazy record existed: its log digest is that of nothing.
  const logDigest = version === 1 ? new Fnv1a64().toBytes() : r.rest();
  if (logDigest.length !== Fnv1a64.BYTES) throw new RecordDecodeError(`meta log digest of ${logDigest.length} bytes, expected ${Fnv1a64.BYTES}`);
  r.end();
  if (revision < 1) throw new RecordDecodeError('meta revision 0 (the revision of an empty store is 1)');
  if (compactRevision > revision) throw new RecordDecodeError(`compact revision ${compactRevision} beyond the revision ${revision}`);
  if (nextLeaseId < 1) throw new RecordDecodeError('meta next lease id 0');
  return { kind: 'meta', meta: { revision, maxStampMs, compactRevision, nextLeaseId, logDigest } };
}

function decodeKv(r: ByteReader, key: Uint8Array, formatVersion: number): DecodedRecord {
  const createRevision = r.uvarint();
  const modRevision = r.uvarint();
  const version = r.uvarint();
  const lease = formatVersion === 1 ? 0 : r.uvarint();
  // The value runs to the end by construction.
  return { kind: 'kv', kv: { key, value: r.rest(), createRevision, modRevision, version, lease } };
}

function decodeLease(r: ByteReader, id: Uint8Array): DecodedRecord | null {
  const leaseId = readRecordId(id, 'lease');
  return leaseId === null ? null : { kind: 'lease', lease: { id: leaseId, ttlSeconds: r.uvarint() } };
}

function decodeMember(r: ByteReader, id: Uint8Array): DecodedRecord | null {
  const memberId = readRecordId(id, 'member');
  return memberId === null ? null : { kind: 'member', member: { id: memberId, ...readMemberAddress(r) } };
}

/** The id of an idRecordKey (null: not one); throws on an id outside 1..2^53-1. */
function readRecordId(id: Uint8Array, what: string): number | null {
  if (id.length !== U64_BYTES) return null;
  const value = readU64BE(id, 0);
  if (value === null || value < 1) throw new RecordDecodeError(`${what} record key with an id outside 1..2^53-1`);
  return value;
}

function decodeSession(r: ByteReader, id: Uint8Array, formatVersion: number): DecodedRecord {
  const lastSeq = r.uvarint();
  const lastUsedMs = r.uvarint();
  const outcome = readOutcome(r, formatVersion === 1 ? 1 : 2);
  return { kind: 'session', session: { clientId: decodeUtf8(id, 'session client id'), lastSeq, lastUsedMs, outcome } };
}

function decodeTopicMeta(r: ByteReader, id: Uint8Array): DecodedRecord {
  const topic = decodeTopicName(id);
  const policy: TopicPolicy = readPolicy(r);
  const earliestOffset = r.uvarint();
  const nextOffset = r.uvarint();
  const records = r.uvarint();
  const bytes = r.uvarint();
  return { kind: 'topic', topic: { topic, policy, earliestOffset, nextOffset, records, bytes } };
}

function decodeGroupOffset(r: ByteReader, id: Uint8Array): DecodedRecord {
  const sep = id.indexOf(SEPARATOR);
  if (sep < 0) throw new RecordDecodeError('group offset key without separator');
  const group = decodeUtf8(id.subarray(0, sep), 'group name');
  const problem = groupNameProblem(group, Number.MAX_SAFE_INTEGER); // the length limit is config: restore checks it
  if (problem !== null) throw new RecordDecodeError(problem);
  return { kind: 'groupOffset', group, topic: decodeTopicName(id.subarray(sep + 1)), offset: r.uvarint() };
}

function decodeCompactIndex(r: ByteReader, id: Uint8Array): DecodedRecord {
  const sep = id.indexOf(SEPARATOR);
  if (sep < 0) throw new RecordDecodeError('compaction index key without separator');
  const topic = decodeTopicName(id.subarray(0, sep));
  const key = id.slice(sep + 1);
  if (key.length === 0) throw new RecordDecodeError(`compaction index entry of topic ${topic} with an empty key`);
  return { kind: 'compactKey', topic, key, offset: r.uvarint(), size: r.uvarint() };
}

function decodeRetainedSize(r: ByteReader, id: Uint8Array): DecodedRecord {
  const sep = id.length - U64_BYTES - 1;
  if (sep < 1 || id[sep] !== SEPARATOR) throw new RecordDecodeError('malformed retained size key');
  const topic = decodeTopicName(id.subarray(0, sep));
  const offset = readU64BE(id, sep + 1);
  if (offset === null) throw new RecordDecodeError(`retained size key of topic ${topic} beyond 2^53`);
  return { kind: 'retainedSize', topic, offset, size: r.uvarint() };
}

function decodeTopicName(bytes: Uint8Array): string {
  const topic = String.fromCharCode(...bytes);
  const problem = topicNameProblem(topic);
  if (problem !== null) throw new RecordDecodeError(problem);
  return topic;
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return fromUtf8(bytes);
  } catch {
    throw new RecordDecodeError(`${what} is not valid UTF-8`);
  }
}

/** The records of a state, sorted by kind (lazy ones checked, then dropped). */
export interface DecodedState {
  meta: MetaState | null;
  readonly kvs: KeyValue[];
  readonly leases: LeaseInfo[];
  readonly sessions: SessionEntry[];
  readonly members: MemberInfo[];
  readonly topics: { topics: TopicInfo[]; compactKeys: Array<TopicRecordsLoaded['compactKeys'][number]>; sizes: Array<TopicRecordsLoaded['sizes'][number]> };
  readonly groupOffsets: GroupOffset[];
}

/** Sorts records by kind; throws RecordDecodeError on a corrupt one. Lazy records are checked and dropped. */
export function decodeRecords(records: Iterable<[Uint8Array, Uint8Array]>): DecodedState {
  const d: DecodedState = { meta: null, kvs: [], leases: [], sessions: [], members: [], topics: { topics: [], compactKeys: [], sizes: [] }, groupOffsets: [] };
  for (const [key, value] of records) {
    const rec = decodeRecord(key, value);
    switch (rec.kind) {
      case 'meta':
        d.meta = rec.meta;
        break;
      case 'kv':
        d.kvs.push(rec.kv);
        break;
      case 'lease':
        d.leases.push(rec.lease);
        break;
      case 'session':
        d.sessions.push(rec.session);
        break;
      case 'member':
        d.members.push(rec.member);
        break;
      case 'topic':
        d.topics.topics.push(rec.topic);
        break;
      case 'groupOffset':
        d.groupOffsets.push({ group: rec.group, topic: rec.topic, offset: rec.offset });
        break;
      case 'compactKey':
        d.topics.compactKeys.push({ topic: rec.topic, key: rec.key, offset: rec.offset, size: rec.size });
        break;
      case 'retainedSize':
        d.topics.sizes.push({ topic: rec.topic, offset: rec.offset, size: rec.size });
        break;
      case 'lazy':
        break;
      default: {
        const never: never = rec;
        throw new RecordDecodeError(`unhandled record ${JSON.stringify(never)}`);
      }
    }
  }
  return d;
}
