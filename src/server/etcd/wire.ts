import { unsupported } from './errors';

/** A 64-bit wire integer as a JS number; ordo's revisions, ids and TTLs stay below 2^53. */
export function int64(field: string, v: string | number | undefined): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n)) throw unsupported(`${field} ${String(v)} is outside the supported range (|n| < 2^53)`);
  return n;
}
