/**
 * The state machine's persisted keyspace: opaque (key, value) records that a storage layer
 * writes into LevelDB under its own prefix (ARCHITECTURE: `m/`). One record per KV pair, one
 * per session, one meta record. Keys sort by kind then by identity:
 *
 *   "k" + key        -> v1 createRevision modRevision version value...   (KV pair)
 *   "m"              -> v1 revision maxStampMs                           (meta)
 *   "s" + clientId   -> v1 lastSeq lastUsedMs outcome                    (session, see response-codec.ts)
 *
 * Every value starts with a format version byte so the layout can evolve. The applied index is
 * not a record: the storage layer writes it in the same batch (see StateMachine.takeMutations).
 */

import { ByteReader, ByteWriter } from './binary';
import { concatBytes, fromUtf8, utf8 } from './bytes';
import type { KeyValue } from './results';
import { readOutcome, writeOutcome } from './response-codec';
import type { SessionEntry } from './sessions';

export const RECORD_FORMAT_VERSION = 1;

const PREFIX_KV = 0x6b; // 'k'
const PREFIX_META = 0x6d; // 'm'
const PREFIX_SESSION = 0x73; // 's'

export const META_RECORD_KEY: Uint8Array = Uint8Array.of(PREFIX_META);

/** A persisted record that does not parse: the storage is corrupt or from an unknown version. */
export class RecordDecodeError extends Error {
  constructor(reason: string) {
    super(`cannot decode state machine record: ${reason}`);
    this.name = 'RecordDecodeError';
  }
}

export interface MetaState {
  readonly revision: number;
  readonly maxStampMs: number;
}

export type DecodedRecord =
  | { readonly kind: 'meta'; readonly meta: MetaState }
  | { readonly kind: 'kv'; readonly kv: KeyValue }
  | { readonly kind: 'session'; readonly session: SessionEntry };

export function kvRecordKey(key: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_KV), key]);
}

export function sessionRecordKey(clientId: string): Uint8Array {
  return concatBytes([Uint8Array.of(PREFIX_SESSION), utf8(clientId)]);
}

export function encodeKvRecord(kv: KeyValue): Uint8Array {
  const w = new ByteWriter().u8(RECORD_FORMAT_VERSION);
  w.uvarint(kv.createRevision).uvarint(kv.modRevision).uvarint(kv.version);
  return w.raw(kv.value).finish();
}

export function encodeSessionRecord(entry: SessionEntry): Uint8Array {
  const w = new ByteWriter().u8(RECORD_FORMAT_VERSION);
  w.uvarint(entry.lastSeq).uvarint(entry.lastUsedMs);
  writeOutcome(w, entry.outcome);
  return w.finish();
}

export function encodeMetaRecord(meta: MetaState): Uint8Array {
  return new ByteWriter().u8(RECORD_FORMAT_VERSION).uvarint(meta.revision).uvarint(meta.maxStampMs).finish();
}

/** Throws RecordDecodeError on anything it does not recognise. */
export function decodeRecord(key: Uint8Array, value: Uint8Array): DecodedRecord {
  const r = new ByteReader(value, (reason) => new RecordDecodeError(reason));
  const version = r.u8();
  if (version !== RECORD_FORMAT_VERSION) throw new RecordDecodeError(`unsupported record version ${version}`);
  const kind = key[0];
  const id = key.slice(1);
  if (kind === PREFIX_KV && id.length > 0) {
    const createRevision = r.uvarint();
    const modRevision = r.uvarint();
    const version = r.uvarint();
    return { kind: 'kv', kv: { key: id, value: r.rest(), createRevision, modRevision, version } };
  }
  if (kind === PREFIX_META && id.length === 0) {
    const meta: MetaState = { revision: r.uvarint(), maxStampMs: r.uvarint() };
    r.end();
    return { kind: 'meta', meta };
  }
  if (kind === PREFIX_SESSION && id.length > 0) {
    const lastSeq = r.uvarint();
    const lastUsedMs = r.uvarint();
    const outcome = readOutcome(r);
    r.end();
    return { kind: 'session', session: { clientId: decodeClientId(id), lastSeq, lastUsedMs, outcome } };
  }
  throw new RecordDecodeError(`unknown record key kind ${String(kind)} (length ${key.length})`);
}

function decodeClientId(bytes: Uint8Array): string {
  try {
    return fromUtf8(bytes);
  } catch {
    throw new RecordDecodeError('session client id is not valid UTF-8');
  }
}
