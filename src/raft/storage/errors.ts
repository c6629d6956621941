/**
 * Typed storage errors. Corruption and version errors stop a node from starting: it must not
 * rejoin a cluster with a log it cannot trust. Every message names the data dir, because the
 * operator reading it at 3 a.m. has several nodes' directories on the same machine.
 */

/** Where the bad bytes are: a log entry by index, or any other record by its printable key. */
export type CorruptionSite =
  | { readonly kind: 'entry'; readonly index: number }
  | { readonly kind: 'record'; readonly key: string };

export class StorageCorruptionError extends Error {
  constructor(
    readonly dir: string,
    readonly site: CorruptionSite,
    readonly reason: string,
  ) {
    const where = site.kind === 'entry' ? `corrupt log entry at index ${site.index}` : `corrupt record '${site.key}'`;
    super(`${where} in ${dir} (${reason})`);
    this.name = 'StorageCorruptionError';
  }
}

export class StorageVersionError extends Error {
  constructor(
    readonly dir: string,
    readonly versionFound: number,
    readonly versionSupported: number,
  ) {
    super(`unsupported on-disk format version ${versionFound} in ${dir} (this build reads version ${versionSupported})`);
    this.name = 'StorageVersionError';
  }
}

/** The caller broke the contract of LogStore.write; nothing was written. A bug, not an I/O fault. */
export class StorageInvariantError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`refusing write to ${dir}: ${reason}`, { cause });
    this.name = 'StorageInvariantError';
  }
}

/** A read on a store that was closed. A bug of the caller, like StorageInvariantError. */
export class StorageClosedError extends Error {
  constructor(readonly dir: string) {
    super(`LogStore in ${dir} is closed`);
    this.name = 'StorageClosedError';
  }
}

/**
 * A state-machine read or delete while a snapshot install replaces the records (between its
 * steps the disk holds neither the old state nor the new one). Retry once the install is done.
 */
export class StorageBusyError extends Error {
  constructor(readonly dir: string) {
    super(`LogStore in ${dir} is installing a snapshot; its state-machine records are being replaced`);
    this.name = 'StorageBusyError';
  }
}
