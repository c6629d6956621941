/**
 * Checksums of a streamed snapshot (proto/raft.proto SnapshotChunk). Each chunk carries a CRC-32C
 * over its records, so a corrupted chunk is refused before it is staged; the last chunk carries
 * the record count and a checksum chained over every record of the transfer, so a lost or
 * duplicated chunk is caught before the snapshot is installed.
 */
import { crc32c } from '../storage/crc32c';

const lengthBytes = new Uint8Array(4);
const lengthView = new DataView(lengthBytes.buffer);

/** Folds one record into a running CRC-32C: u32 key length, key, u32 value length, value. */
function foldRecord(crc: number, key: Uint8Array, value: Uint8Array): number {
  lengthView.setUint32(0, key.length);
  crc = crc32c(key, crc32c(lengthBytes, crc));
  lengthView.setUint32(0, value.length);
  return crc32c(value, crc32c(lengthBytes, crc));
}

/** The checksum of one chunk's records. */
export function chunkChecksum(keys: readonly Uint8Array[], values: readonly Uint8Array[]): number {
  let crc = 0;
  for (let i = 0; i < keys.length; i++) crc = foldRecord(crc, keys[i]!, values[i]!);
  return crc >>> 0;
}

/** A checksum chained over every record of one transfer, in order. */
export class TransferDigest {
  private crc = 0;
  records = 0;

  add(keys: readonly Uint8Array[], values: readonly Uint8Array[]): void {
    for (let i = 0; i < keys.length; i++) this.crc = foldRecord(this.crc, keys[i]!, values[i]!);
    this.records += keys.length;
  }

  hex(): string {
    return (this.crc >>> 0).toString(16).padStart(8, '0');
  }
}
