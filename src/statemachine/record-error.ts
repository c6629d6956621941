/** A persisted record that does not parse: the storage is corrupt or from an unknown version. */
export class RecordDecodeError extends Error {
  constructor(reason: string) {
    super(`cannot decode state machine record: ${reason}`);
    this.name = 'RecordDecodeError';
  }
}
