/**
 * The member address book: where each member added at runtime lives. The leader must reach a new
 * server to bring it up to date (dissertation 4.2.1), and any server must name the leader's client
 * address when it redirects a client (6.2), so every replica needs the addresses, including one
 * that starts from a snapshot and never saw the config entry. They therefore travel as the
 * context of the addLearner config entry (etcd's ConfChange.Context) and live here as replicated
 * state: persisted records, part of stateDigest().
 *
 * Encoding of a member address (the config entry context):
 *   version (=1) | peerAddress:str | clientAddress:str      (str: uvarint length, UTF-8 bytes)
 * The persisted record (records.ts) holds the same body after its own version byte.
 */

import { decodeConfigEntry } from '../raft/core/membership';
import type { ConfChange } from '../raft/core/types';
import { ByteReader, ByteWriter } from './binary';
import { fromUtf8, utf8 } from './bytes';

export interface MemberAddress {
  /** Where Raft traffic for the member goes. */
  readonly peerAddress: string;
  /** Where the member serves clients: what a leader hint names. */
  readonly clientAddress: string;
}

export interface MemberInfo extends MemberAddress {
  readonly id: number;
}

const MEMBER_ADDRESS_VERSION = 1;

export class MemberAddressDecodeError extends Error {
  constructor(reason: string) {
    super(`cannot decode member address: ${reason}`);
    this.name = 'MemberAddressDecodeError';
  }
}

/** The config entry context of an addLearner; throws RangeError on an empty peer address. */
export function encodeMemberAddress(address: MemberAddress): Uint8Array {
  if (address.peerAddress.length === 0) throw new RangeError('a member\'s peer address must not be empty');
  return writeMemberAddress(new ByteWriter().u8(MEMBER_ADDRESS_VERSION), address).finish();
}

/** Throws MemberAddressDecodeError on anything encodeMemberAddress cannot have written. */
export function decodeMemberAddress(bytes: Uint8Array): MemberAddress {
  const r = new ByteReader(bytes, (reason) => new MemberAddressDecodeError(reason));
  const version = r.u8();
  if (version !== MEMBER_ADDRESS_VERSION) throw r.failure(`unsupported version ${version}`);
  const address = readMemberAddress(r);
  r.end();
  if (address.peerAddress.length === 0) throw new MemberAddressDecodeError('empty peer address');
  return address;
}

/** What a config entry means to the address book. */
export interface MembershipEntry {
  readonly change: ConfChange;
  /** The added member's addresses: an addLearner with a context only. */
  readonly address: MemberAddress | null;
}

/** Throws ConfigEntryDecodeError or MemberAddressDecodeError on malformed data. */
export function decodeMembershipEntry(data: Uint8Array): MembershipEntry {
  const { change, context } = decodeConfigEntry(data);
  const address = change.type === 'addLearner' && context.length > 0 ? decodeMemberAddress(context) : null;
  return { change, address };
}

/**
 * A removed member's record: both addresses empty. Kept forever so the id is never reused: a
 * server that comes back under a removed id with a fresh disk has forgotten its votes, and
 * could vote twice in one term (etcd refuses removed ids for the same reason).
 */
export const REMOVED_MEMBER: MemberAddress = { peerAddress: '', clientAddress: '' };

function isRemoved(a: MemberAddress): boolean {
  return a.peerAddress.length === 0;
}

/** The body shared by the context and the persisted record (the client address may be empty: unknown). */
export function writeMemberAddress(w: ByteWriter, address: MemberAddress): ByteWriter {
  return w.bytes(utf8(address.peerAddress)).bytes(utf8(address.clientAddress));
}

/** Reads what writeMemberAddress wrote; malformations go through the reader's own error. */
export function readMemberAddress(r: ByteReader): MemberAddress {
  const peerAddress = readAddress(r, 'peer');
  const clientAddress = readAddress(r, 'client');
  return { peerAddress, clientAddress };
}

function readAddress(r: ByteReader, what: string): string {
  const bytes = r.bytes();
  try {
    return fromUtf8(bytes);
  } catch {
    throw r.failure(`${what} address is not valid UTF-8`);
  }
}

/** The addresses by member id; everything it shows the outside is sorted by id. */
export class MemberBook {
  private readonly byId = new Map<number, MemberAddress>();

  /** Rebuilds the book from member records; a duplicate id means corrupt records. */
  static load(members: Iterable<MemberInfo>): MemberBook {
    const book = new MemberBook();
    for (const { id, peerAddress, clientAddress } of members) {
      if (book.byId.has(id)) throw new Error(`MemberBook.load: duplicate member ${id}`);
      book.byId.set(id, { peerAddress, clientAddress });
    }
    return book;
  }

  /** A current member's addresses (undefined for unknown and removed ids). */
  get(id: number): MemberAddress | undefined {
    const a = this.byId.get(id);
    return a && !isRemoved(a) ? a : undefined;
  }

  /** Whether `id` was ever removed from the cluster (such an id must not come back). */
  wasRemoved(id: number): boolean {
    const a = this.byId.get(id);
    return a !== undefined && isRemoved(a);
  }

  /** Every record, removed members included (as REMOVED_MEMBER), sorted by id: what is persisted. */
  records(): MemberInfo[] {
    const ids = [...this.byId.keys()].sort((a, b) => a - b);
    return ids.map((id) => ({ id, ...this.byId.get(id)! }));
  }

  /** Every current member with addresses, sorted by id. */
  list(): MemberInfo[] {
    return this.records().filter((m) => !isRemoved(m));
  }

  set(id: number, address: MemberAddress): void {
    this.byId.set(id, address);
  }
}
