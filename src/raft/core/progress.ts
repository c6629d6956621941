/**
 * The leader's view of one follower (etcd's tracker.Progress). In `probe` the leader sends one
 * AppendEntries at a time until it finds where the logs agree; in `replicate` it streams
 * entries optimistically, up to `maxInflight` messages in flight (pipelining); in `snapshot` the
 * follower needs entries the leader compacted away: an InstallSnapshot is on its way and nothing
 * else is sent until the follower answers, the driver reports the transfer failed, or it times out.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe: a message is in flight, wait for its answer (or the next heartbeat answer). */
  probeSent = false;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** Highest ReadIndex round this follower acknowledged in the current term. */
  readRoundAcked = 0;
  /** In snapshot: the index of the snapshot sent, and leader ticks since it was sent. */
  pendingSnapshot = 0;
  snapshotElapsedTicks = 0;
  /** Last index of each AppendEntries in flight, oldest first. */
  private readonly inflight: number[] = [];

  constructor(next: number, private readonly maxInflight: number) {
    this.next = next;
  }

  isPaused(): boolean {
    if (this.state === 'snapshot') return true;
    return this.state === 'probe' ? this.probeSent : this.inflight.length >= this.maxInflight;
  }

  /** Records a send ending at `lastIndex` (the index of its last entry, or prevLogIndex if empty). */
  sentUpTo(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflight.push(lastIndex);
      }
    } else {
      this.probeSent = true;
    }
  }

  /** An acknowledgement of everything up to `index`; returns whether match moved. */
  ack(index: number): boolean {
    this.probeSent = false;
    while (this.inflight.length > 0 && this.inflight[0] <= index) this.inflight.shift();
    if (index <= this.match) {
      // A probe answered at exactly the known match (e.g. the first probe after a snapshot, when
      // the leader has nothing newer): the logs agree there, so stop probing (as etcd does).
      if (this.state === 'probe' && index === this.match) this.becomeReplicate();
      return false;
    }
    this.match = index;
    this.next = Math.max(this.next, index + 1);
    if (this.state === 'probe') this.becomeReplicate();
    else if (this.state === 'snapshot' && this.match >= this.pendingSnapshot) this.becomeProbe(this.match + 1);
    return true;
  }

  /** An InstallSnapshot was sent: wait for its answer. */
  becomeSnapshot(snapshotIndex: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = snapshotIndex;
    this.snapshotElapsedTicks = 0;
    this.probeSent = false;
    this.inflight.length = 0;
  }

  becomeProbe(next: number): void {
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflight.length = 0;
    this.next = Math.max(this.match + 1, next);
  }

  private becomeReplicate(): void {
    this.state = 'replicate';
    this.inflight.length = 0;
    this.next = this.match + 1;
  }

  /**
   * A heartbeat answer proves the follower is alive: let one more message through so a lost
   * AppendEntries cannot stall the pipeline forever.
   */
  onHeartbeatResp(): void {
    this.probeSent = false;
    if (this.state === 'replicate' && this.inflight.length >= this.maxInflight) this.inflight.shift();
  }
}
