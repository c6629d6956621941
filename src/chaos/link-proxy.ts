/**
 * A fault-injecting TCP proxy for ONE directed peer link (node i -> node j), run in-process by a
 * chaos harness. Node i dials the proxy's listen port instead of j's; the proxy dials j. Because
 * each ordo node reaches each peer over its own long-lived connection, one proxy per directed link
 * cuts i->j without touching j->i (the reverse bytes on this connection are only HTTP/2 acks).
 *
 * Modes (see LinkMode) take effect at once, for open connections too. A fault the proxy injects
 * ('down', 'flaky', a runaway slow queue) resets both sockets of the pair (RST), so each side sees
 * a fast ECONNRESET and retries; normal ends (FIN) are forwarded in order after the data.
 *
 * Limits: in 'slow' mode each direction stops reading its source above SLOW_QUEUE_BYTES_PAUSE
 * delayed bytes (and resumes below half of it); more than SLOW_QUEUE_BYTES_MAX destroys the pair.
 * Outside 'slow', a direction reads only while its sink accepts writes (pause/'drain').
 */
import * as net from 'node:net';

export type LinkMode =
  | { readonly kind: 'up' }
  /** Partition: open connections are reset now; new ones are accepted and reset at once. */
  | { readonly kind: 'down' }
  /** Every chunk, both directions, waits delayMs + rand * jitterMs; byte order per direction holds. */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly jitterMs: number }
  /** Like 'up', but each open connection is reset at random times (a Poisson process at that rate). */
  | { readonly kind: 'flaky'; readonly resetProbabilityPerSecond: number };

export interface LinkProxyOptions {
  /** Port the proxy listens on; 0 picks a free one (read it back from `port` after start()). */
  readonly listenPort: number;
  /** Port of the real peer. */
  readonly targetPort: number;
  /** Address both to listen on and to dial. Default 127.0.0.1. */
  readonly host?: string;
  /** Uniform in [0, 1); default Math.random. Drives slow-mode jitter and flaky-mode reset times. */
  readonly rand?: () => number;
  /** For error messages, e.g. "link 1->2". */
  readonly name?: string;
}

export interface LinkProxyStats {
  /** Client connections open now (each paired with one to the target). */
  readonly connections: number;
  /** Bytes written out to the far side's socket (handed to the kernel), both directions summed. */
  readonly bytesForwarded: number;
  /** Open connections the proxy cut on purpose: by 'down', by 'flaky', by a slow queue overflowing. */
  readonly resets: number;
  /** Connections accepted while 'down' and reset at once. */
  readonly refused: number;
}

/** Delayed bytes in one direction above which the proxy stops reading that direction's source. */
export const SLOW_QUEUE_BYTES_PAUSE = 4 * 1024 * 1024;
/** Delayed bytes in one direction above which the pair is destroyed (pausing should prevent it). */
export const SLOW_QUEUE_BYTES_MAX = 64 * 1024 * 1024;

/** setTimeout's largest delay; a longer one would fire after 1 ms. */
const TIMER_DELAY_MS_MAX = 2 ** 31 - 1;

const nowMs = (): number => performance.now();

/** Validates a mode and returns a frozen copy, so a caller's later mutation cannot change it. */
function checkedMode(mode: LinkMode): LinkMode {
  const finiteNonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
  switch (mode.kind) {
    case 'up':
    case 'down':
      return Object.freeze({ kind: mode.kind });
    case 'slow':
      if (!finiteNonNegative(mode.delayMs)) throw new RangeError(`slow.delayMs must be a finite number >= 0, got ${mode.delayMs}`);
      if (!finiteNonNegative(mode.jitterMs)) throw new RangeError(`slow.jitterMs must be a finite number >= 0, got ${mode.jitterMs}`);
      return Object.freeze({ kind: 'slow', delayMs: mode.delayMs, jitterMs: mode.jitterMs });
    case 'flaky':
      if (!finiteNonNegative(mode.resetProbabilityPerSecond)) {
        throw new RangeError(`flaky.resetProbabilityPerSecond must be a finite number >= 0, got ${mode.resetProbabilityPerSecond}`);
      }
      return Object.freeze({ kind: 'flaky', resetProbabilityPerSecond: mode.resetProbabilityPerSecond });
    default: {
      const never: never = mode;
      throw new RangeError(`unknown link mode ${JSON.stringify(never)}`);
    }
  }
}

function checkedPort(field: string, port: number, zeroAllowed: boolean): number {
  const min = zeroAllowed ? 0 : 1;
  if (!Number.isInteger(port) || port < min || port > 65535) throw new RangeError(`${field} must be an integer in [${min}, 65535], got ${port}`);
  return port;
}

/** RST rather than FIN: the peer sees ECONNRESET, as after a middlebox drops the flow. */
function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** What a Direction needs from its proxy. */
interface DirectionHost {
  /** Extra delay for a chunk arriving now: 0 unless the link is slow. */
  chunkDelayMs(): number;
  /** Called once a write has left the proxy's own buffer. */
  countForwarded(bytes: number): void;
  /** The delayed queue passed SLOW_QUEUE_BYTES_MAX. */
  overflow(): void;
}

interface Pending {
  /** null: the source's FIN, forwarded as sink.end() in its turn. */
  readonly chunk: Buffer | null;
  dueAtMs: number;
}

/** One direction of a pair: bytes read from `source` are written to `sink`, maybe late, in order. */
class Direction {
  private pending: Pending[] = [];
  private pendingHead = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private sinkBlocked = false;
  private queueHigh = false;
  private sourcePaused = false;
  private stopped = false;
  /** The source sent FIN. */
  sourceEnded = false;
  /** We ended the sink (forwarded that FIN). */
  sinkEnded = false;

  constructor(
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly host: DirectionHost,
  ) {
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => this.onEnd());
    sink.on('drain', () => this.onDrain());
  }

  /** Stop forwarding for good; drops whatever is still delayed. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.pending = [];
    this.pendingHead = 0;
    this.queuedBytes = 0;
  }

  /** The link is no longer slow: whatever is still delayed is due now, in order. */
  releaseNow(): void {
    if (this.stopped || this.isEmpty()) return;
    const now = nowMs();
    for (let i = this.pendingHead; i < this.pending.length; i++) this.pending[i]!.dueAtMs = now;
    this.clearTimer();
    this.flush();
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return;
    const delayMs = this.host.chunkDelayMs();
    if (delayMs === 0 && this.isIdle()) this.write(chunk);
    else this.enqueue(chunk, nowMs() + delayMs);
  }

  private onEnd(): void {
    this.sourceEnded = true;
    if (this.stopped) return;
    if (this.isIdle()) this.endSink();
    else this.enqueue(null, nowMs() + this.host.chunkDelayMs());
  }

  private onDrain(): void {
    if (this.stopped || !this.sinkBlocked) return;
    this.sinkBlocked = false;
    this.flush();
  }

  private enqueue(chunk: Buffer | null, dueAtMs: number): void {
    const last = this.isEmpty() ? undefined : this.pending[this.pending.length - 1];
    // Never overtake an earlier chunk: jitter delays, it does not reorder.
    this.pending.push({ chunk, dueAtMs: last ? Math.max(dueAtMs, last.dueAtMs) : dueAtMs });
    this.queuedBytes += chunk?.length ?? 0;
    if (this.queuedBytes > SLOW_QUEUE_BYTES_MAX) {
      this.host.overflow();
      return;
    }
    if (this.queuedBytes >= SLOW_QUEUE_BYTES_PAUSE) this.queueHigh = true;
    this.updateFlow();
    this.schedule();
  }

  /** Writes every due item, stopping early if the sink pushes back. */
  private flush(): void {
    const now = nowMs();
    while (!this.stopped && !this.sinkBlocked && !this.isEmpty()) {
      const item = this.pending[this.pendingHead]!;
      if (item.dueAtMs > now) break;
      this.pendingHead++;
      if (item.chunk === null) {
        this.endSink();
      } else {
        this.queuedBytes -= item.chunk.length;
        this.write(item.chunk);
      }
    }
    if (this.stopped) return;
    this.compact();
    if (this.queueHigh && this.queuedBytes < SLOW_QUEUE_BYTES_PAUSE / 2) this.queueHigh = false;
    this.updateFlow();
    this.schedule();
  }

  private write(chunk: Buffer): void {
    if (this.sink.destroyed || this.sink.writableEnded) return;
    const written = (err?: Error | null): void => {
      if (!err) this.host.countForwarded(chunk.length);
    };
    if (!this.sink.write(chunk, written)) {
      this.sinkBlocked = true;
      this.updateFlow();
    }
  }

  private endSink(): void {
    this.sinkEnded = true;
    if (!this.sink.destroyed && !this.sink.writableEnded) this.sink.end();
  }

  /** Read the source only while the sink keeps up and the delayed queue is under its mark. */
  private updateFlow(): void {
    const pause = this.sinkBlocked || this.queueHigh;
    if (pause && !this.sourcePaused) {
      this.sourcePaused = true;
      this.source.pause();
    } else if (!pause && this.sourcePaused) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.sinkBlocked || this.isEmpty()) return;
    const waitMs = Math.max(0, Math.ceil(this.pending[this.pendingHead]!.dueAtMs - nowMs()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, waitMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private compact(): void {
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private isEmpty(): boolean {
    return this.pendingHead === this.pending.length;
  }

  private isIdle(): boolean {
    return this.isEmpty() && !this.sinkBlocked;
  }
}

/** A client connection and the connection the proxy opened to the target for it. */
interface Pair {
  readonly client: net.Socket;
  readonly target: net.Socket;
  /** client -> target */
  readonly forward: Direction;
  /** target -> client */
  readonly backward: Direction;
  flakyTimer: NodeJS.Timeout | null;
  dead: boolean;
}

export class LinkProxy {
  readonly name: string;
  private readonly listenPort: number;
  private readonly targetPort: number;
  private readonly host: string;
  private readonly rand: () => number;
  private current: LinkMode = Object.freeze({ kind: 'up' });
  private server: net.Server | null = null;
  private readonly pairs = new Set<Pair>();
  private closing: Promise<void> | null = null;
  private bytesForwarded = 0;
  private resets = 0;
  private refused = 0;

  constructor(opts: LinkProxyOptions) {
    this.listenPort = checkedPort('listenPort', opts.listenPort, true);
    this.targetPort = checkedPort('targetPort', opts.targetPort, false);
    this.host = opts.host ?? '127.0.0.1';
    this.rand = opts.rand ?? Math.random;
    this.name = opts.name ?? `link-proxy :${opts.listenPort}->:${opts.targetPort}`;
  }

  /** The port actually listened on (differs from listenPort only when that was 0). */
  get port(): number {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : this.listenPort;
  }

  get mode(): LinkMode {
    return this.current;
  }

  /** Listens; rejects with a clear error if the port is taken. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`${this.name}: start() after close()`));
    if (this.server) return Promise.reject(new Error(`${this.name}: start() called twice`));
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      const onListenError = (err: NodeJS.ErrnoException): void => {
        if (this.server === server) this.server = null;
        server.close(() => undefined);
        const why = err.code === 'EADDRINUSE' ? 'port already in use (EADDRINUSE)' : (err.code ?? err.message);
        reject(new Error(`${this.name}: cannot listen on ${this.host}:${this.listenPort}: ${why}`, { cause: err }));
      };
      server.once('error', onListenError);
      server.listen({ port: this.listenPort, host: this.host }, () => {
        server.off('error', onListenError);
        // A listening server has no expected errors left; never let one crash the process.
        server.on('error', () => undefined);
        if (this.closing) {
          server.close(() => undefined);
          reject(new Error(`${this.name}: closed while starting`));
          return;
        }
        resolve();
      });
    });
  }

  /** Takes effect at once, for open connections too. Throws RangeError on a malformed mode. */
  setMode(mode: LinkMode): void {
    const next = checkedMode(mode);
    const previous = this.current;
    this.current = next;
    for (const pair of [...this.pairs]) {
      if (next.kind === 'down') {
        this.teardown(pair, true);
        continue;
      }
      this.scheduleFlakyReset(pair);
      if (previous.kind === 'slow' && next.kind !== 'slow') {
        pair.forward.releaseNow();
        pair.backward.releaseNow();
      }
    }
  }

  stats(): LinkProxyStats {
    return { connections: this.pairs.size, bytesForwarded: this.bytesForwarded, resets: this.resets, refused: this.refused };
  }

  /** Stops listening, destroys every socket, clears every timer. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const server = this.server;
    this.server = null;
    this.closing = new Promise<void>((resolve) => {
      // Resolve whether or not it was listening: close() reports ERR_SERVER_NOT_RUNNING otherwise.
      if (server) server.close(() => resolve());
      else resolve();
    });
    for (const pair of [...this.pairs]) this.teardown(pair, false);
    return this.closing;
  }

  private onConnection(client: net.Socket): void {
    client.on('error', () => undefined); // teardown below or in wire() handles the consequences
    if (this.closing || this.current.kind === 'down') {
      this.refused++;
      resetSocket(client);
      return;
    }
    client.setNoDelay(true);
    const target = net.connect({ host: this.host, port: this.targetPort, allowHalfOpen: true, noDelay: true });
    const host: DirectionHost = {
      chunkDelayMs: () => this.chunkDelayMs(),
      countForwarded: (bytes) => {
        this.bytesForwarded += bytes;
      },
      overflow: () => this.teardown(pair, true),
    };
    const pair: Pair = {
      client,
      target,
      forward: new Direction(client, target, host),
      backward: new Direction(target, client, host),
      flakyTimer: null,
      dead: false,
    };
    this.pairs.add(pair);
    this.wire(pair);
    this.scheduleFlakyReset(pair);
  }

  /** Errors and closes of either socket: an abrupt end of one side ends the other at once. */
  private wire(pair: Pair): void {
    const closed = new Set<net.Socket>();
    const onClose = (socket: net.Socket, inbound: Direction, outbound: Direction): void => {
      closed.add(socket);
      // Closed after FIN both ways: what it sent may still be in flight to the other side.
      const graceful = inbound.sourceEnded && outbound.sinkEnded;
      if (!graceful || closed.size === 2) this.teardown(pair, false);
    };
    // ECONNREFUSED from a target that is down lands here too: the client is destroyed.
    pair.client.on('error', () => this.teardown(pair, false));
    pair.target.on('error', () => this.teardown(pair, false));
    pair.client.on('close', () => onClose(pair.client, pair.forward, pair.backward));
    pair.target.on('close', () => onClose(pair.target, pair.backward, pair.forward));
  }

  private teardown(pair: Pair, fault: boolean): void {
    if (pair.dead) return;
    pair.dead = true;
    this.pairs.delete(pair);
    if (pair.flakyTimer) clearTimeout(pair.flakyTimer);
    pair.flakyTimer = null;
    pair.forward.stop();
    pair.backward.stop();
    if (fault) {
      this.resets++;
      resetSocket(pair.client);
      resetSocket(pair.target);
    } else {
      pair.client.destroy();
      pair.target.destroy();
    }
  }

  private chunkDelayMs(): number {
    const mode = this.current;
    if (mode.kind !== 'slow') return 0;
    return mode.delayMs + this.uniform() * mode.jitterMs;
  }

  /** In 'flaky' mode, arms the pair's next reset at an exponentially distributed time; else disarms. */
  private scheduleFlakyReset(pair: Pair): void {
    if (pair.flakyTimer) clearTimeout(pair.flakyTimer);
    pair.flakyTimer = null;
    const mode = this.current;
    if (pair.dead || mode.kind !== 'flaky' || mode.resetProbabilityPerSecond <= 0) return;
    const delayMs = (-Math.log(1 - this.uniform()) / mode.resetProbabilityPerSecond) * 1000;
    if (!(delayMs <= TIMER_DELAY_MS_MAX)) return; // rate so low the reset would never come
    pair.flakyTimer = setTimeout(() => {
      pair.flakyTimer = null;
      this.teardown(pair, true);
    }, delayMs);
    pair.flakyTimer.unref();
  }

  /** rand() clamped into [0, 1), so a faulty injected generator cannot produce NaN delays. */
  private uniform(): number {
    const u = this.rand();
    if (!Number.isFinite(u) || u < 0) return 0;
    return Math.min(u, 1 - Number.EPSILON);
  }
}
