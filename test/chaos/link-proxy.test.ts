/**
 * LinkProxy over real loopback sockets (ports 28700-28799): forwarding and half-close in 'up',
 * partition and recovery in 'down', delay with order kept in 'slow', random resets in 'flaky'
 * (with an injected rand), a target that is down, backpressure, and a clean close().
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { LinkProxy, type LinkProxyOptions } from '../../src/chaos/link-proxy';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Deterministic uniform [0, 1) (mulberry32). */
function seededRand(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listen(port: number, onSocket: (s: net.Socket) => void): Promise<net.Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const echoServer = (port: number): Promise<net.Server> => listen(port, (s) => s.pipe(s));

async function startProxy(opts: LinkProxyOptions): Promise<LinkProxy> {
  const proxy = new LinkProxy(opts);
  cleanups.push(() => proxy.close());
  await proxy.start();
  return proxy;
}

/** A client socket; its errors are recorded, never thrown. */
function dial(port: number): net.Socket & { lastError?: string } {
  const s: net.Socket & { lastError?: string } = net.connect({ host: '127.0.0.1', port, noDelay: true });
  s.on('error', (err: NodeJS.ErrnoException) => {
    s.lastError = err.code ?? err.message;
  });
  cleanups.push(() => {
    s.destroy();
  });
  return s;
}

function connected(s: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('close', () => reject(new Error('closed before connecting')));
  });
}

/** Milliseconds from now until the socket closes. */
function closedWithinMs(s: net.Socket): Promise<number> {
  const t0 = performance.now();
  if (s.closed) return Promise.resolve(0);
  return new Promise((resolve) => s.once('close', () => resolve(performance.now() - t0)));
}

function readExactly(s: net.Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= bytes) {
        s.off('data', onData);
        s.off('close', onClose);
        resolve(Buffer.concat(chunks));
      }
    };
    const onClose = (): void => reject(new Error(`closed after ${got} of ${bytes} bytes`));
    s.on('data', onData);
    s.once('close', onClose);
  });
}

async function roundTrip(s: net.Socket, payload: Buffer): Promise<Buffer> {
  const reply = readExactly(s, payload.length);
  s.write(payload);
  return reply;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('up', () => {
  it('forwards bytes both ways, in order, and forwards a half-close', async () => {
    await echoServer(28701);
    const proxy = await startProxy({ listenPort: 28700, targetPort: 28701, name: 'link 1->2' });
    const c = dial(28700);
    await connected(c);
    const payload = randomBytes(4 * 1024 * 1024);
    const echoed = readExactly(c, payload.length);
    for (let off = 0; off < payload.length; off += 100_000) c.write(payload.subarray(off, off + 100_000));
    expect((await echoed).equals(payload)).toBe(true);
    // Counted at write completion, which may be reported just after the client has read the bytes.
    await waitFor('the byte count', () => proxy.stats().bytesForwarded === 2 * payload.length);
    expect(proxy.stats()).toEqual({ connections: 1, bytesForwarded: 2 * payload.length, resets: 0, refused: 0 });

    // FIN travels client -> proxy -> echo; the echo's FIN comes back the same way.
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    c.end();
    await ended;
    await closedWithinMs(c);
    await waitFor('the pair to be released', () => proxy.stats().connections === 0);
    expect(c.lastError).toBeUndefined();
  });
});

describe('down', () => {
  it('resets open connections, resets new ones at once, and up works again', async () => {
    await echoServer(28703);
    const proxy = await startProxy({ listenPort: 28702, targetPort: 28703 });
    const before = dial(28702);
    await connected(before);
    expect((await roundTrip(before, Buffer.from('hello'))).toString()).toBe('hello');

    proxy.setMode({ kind: 'down' });
    expect(proxy.mode).toEqual({ kind: 'down' });
    expect(await closedWithinMs(before)).toBeLessThan(500);
    expect(before.lastError).toBe('ECONNRESET');
    expect(proxy.stats()).toMatchObject({ connections: 0, resets: 1 });

    const during = dial(28702);
    during.write('lost');
    expect(await closedWithinMs(during)).toBeLessThan(500);
    expect(proxy.stats()).toMatchObject({ connections: 0, refused: 1 });

    proxy.setMode({ kind: 'up' });
    const after = dial(28702);
    await connected(after);
    expect((await roundTrip(after, Buffer.from('again'))).toString()).toBe('again');
  });
});

describe('slow', () => {
  it('delays each direction by at least delayMs', async () => {
    await echoServer(28705);
    const proxy = await startProxy({ listenPort: 28704, targetPort: 28705, rand: seededRand(1) });
    const c = dial(28704);
    await connected(c);
    await roundTrip(c, Buffer.from('warm-up'));

    proxy.setMode({ kind: 'slow', delayMs: 60, jitterMs: 40 });
    const t0 = performance.now();
    await roundTrip(c, Buffer.from('x'));
    const rttMs = performance.now() - t0;
    expect(rttMs).toBeGreaterThanOrEqual(2 * 60);
    expect(rttMs).toBeLessThan(2 * (60 + 40) + 500);
  });

  it('keeps the order of many chunks under heavy jitter', async () => {
    await echoServer(28707);
    const proxy = await startProxy({ listenPort: 28706, targetPort: 28707, rand: seededRand(7) });
    proxy.setMode({ kind: 'slow', delayMs: 5, jitterMs: 50 });
    const c = dial(28706);
    await connected(c);
    const chunks = Array.from({ length: 300 }, (_, i) => Buffer.concat([Buffer.from(`<${i}>`), randomBytes(1 + ((i * 37) % 2000))]));
    const all = Buffer.concat(chunks);
    const echoed = readExactly(c, all.length);
    for (const chunk of chunks) {
      c.write(chunk);
      await sleep(1); // separate TCP chunks, so each draws its own jitter
    }
    expect((await echoed).equals(all)).toBe(true);
    expect(proxy.stats().resets).toBe(0);
  });

  it('switching back to up releases delayed bytes at once, in order', async () => {
    await echoServer(28709);
    const proxy = await startProxy({ listenPort: 28708, targetPort: 28709 });
    proxy.setMode({ kind: 'slow', delayMs: 5000, jitterMs: 0 });
    const c = dial(28708);
    await connected(c);
    const payload = Buffer.from('first|second|third');
    const echoed = readExactly(c, payload.length);
    c.write(payload.subarray(0, 6));
    await sleep(20);
    c.write(payload.subarray(6));
    await sleep(50);
    const t0 = performance.now();
    proxy.setMode({ kind: 'up' });
    expect((await echoed).toString()).toBe(payload.toString());
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('flaky', () => {
  it('resets each connection after an exponential time drawn from the injected rand', async () => {
    await echoServer(28711);
    // rand = 0.5, rate 4/s: every reset comes ln(2)/4 s = 173 ms after the connection (or mode change).
    const proxy = await startProxy({ listenPort: 28710, targetPort: 28711, rand: () => 0.5 });
    proxy.setMode({ kind: 'flaky', resetProbabilityPerSecond: 4 });
    for (let i = 1; i <= 3; i++) {
      const t0 = performance.now();
      const c = dial(28710);
      await connected(c);
      expect((await roundTrip(c, Buffer.from('ok'))).toString()).toBe('ok');
      await closedWithinMs(c);
      const lifetimeMs = performance.now() - t0;
      expect(lifetimeMs).toBeGreaterThanOrEqual(170);
      expect(lifetimeMs).toBeLessThan(1500);
      expect(c.lastError).toBe('ECONNRESET');
      expect(proxy.stats().resets).toBe(i);
    }
  });

  it('a rate of 0, or leaving flaky, disarms the resets of open connections', async () => {
    await echoServer(28713);
    const proxy = await startProxy({ listenPort: 28712, targetPort: 28713, rand: () => 0.5 });
    proxy.setMode({ kind: 'flaky', resetProbabilityPerSecond: 10 });
    const a = dial(28712);
    await connected(a);
    await waitFor('the pair', () => proxy.stats().connections === 1);
    proxy.setMode({ kind: 'up' });
    await sleep(250);
    expect((await roundTrip(a, Buffer.from('still here'))).toString()).toBe('still here');
    proxy.setMode({ kind: 'flaky', resetProbabilityPerSecond: 0 });
    await sleep(100);
    expect((await roundTrip(a, Buffer.from('and here'))).toString()).toBe('and here');
    expect(proxy.stats().resets).toBe(0);
  });
});

describe('target down', () => {
  it('closes the client connection and keeps serving', async () => {
    const proxy = await startProxy({ listenPort: 28714, targetPort: 28715 });
    const c = dial(28714);
    c.write('anyone?');
    expect(await closedWithinMs(c)).toBeLessThan(1000);
    await waitFor('the pair to be released', () => proxy.stats().connections === 0);
    expect(proxy.stats()).toMatchObject({ resets: 0, bytesForwarded: 0 });

    await echoServer(28715);
    const later = dial(28714);
    await connected(later);
    expect((await roundTrip(later, Buffer.from('back'))).toString()).toBe('back');
  });
});

describe('backpressure', () => {
  it.each([
    ['up', 28716],
    ['slow', 28718],
  ] as const)('%s: a target that does not read stalls the client instead of filling the proxy', async (kind, port) => {
    const received = createHash('sha256');
    let receivedBytes = 0;
    const targetSockets: net.Socket[] = [];
    await listen(port + 1, (s) => {
      s.pause();
      targetSockets.push(s);
      s.on('data', (chunk: Buffer) => {
        received.update(chunk);
        receivedBytes += chunk.length;
      });
    });
    const proxy = await startProxy({ listenPort: port, targetPort: port + 1, rand: seededRand(3) });
    if (kind === 'slow') proxy.setMode({ kind: 'slow', delayMs: 5, jitterMs: 5 });
    const c = dial(port);
    await connected(c);
    const payload = randomBytes(80 * 1024 * 1024);
    c.write(payload);
    await sleep(500);
    // The proxy stopped reading: the rest waits in the client's own buffer.
    expect(c.writableLength).toBeGreaterThan(0);
    expect(proxy.stats().bytesForwarded).toBeLessThan(payload.length / 2);

    for (const s of targetSockets) s.resume();
    await waitFor('all bytes at the target', () => receivedBytes === payload.length, 20_000);
    expect(received.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(proxy.stats()).toMatchObject({ resets: 0, connections: 1, bytesForwarded: payload.length });
  });
});

describe('lifecycle', () => {
  it('start rejects clearly when the port is in use', async () => {
    await listen(28720, () => undefined);
    const proxy = new LinkProxy({ listenPort: 28720, targetPort: 28721, name: 'link 2->3' });
    cleanups.push(() => proxy.close());
    await expect(proxy.start()).rejects.toThrow(/link 2->3: cannot listen on 127\.0\.0\.1:28720: port already in use/);
  });

  it('close destroys connections, clears timers, frees the port, and is idempotent', async () => {
    await echoServer(28723);
    const proxy = await startProxy({ listenPort: 28722, targetPort: 28723, rand: () => 0.5 });
    const c = dial(28722);
    await connected(c);
    proxy.setMode({ kind: 'slow', delayMs: 60_000, jitterMs: 0 });
    c.write('held by a 60 s timer');
    await sleep(20);
    proxy.setMode({ kind: 'flaky', resetProbabilityPerSecond: 0.001 }); // arms an 11-minute timer
    proxy.setMode({ kind: 'slow', delayMs: 60_000, jitterMs: 0 });
    c.write('more');
    await sleep(20);

    const first = proxy.close();
    expect(proxy.close()).toBe(first);
    await first;
    expect(await closedWithinMs(c)).toBeLessThan(500);
    expect(proxy.stats().connections).toBe(0);
    await expect(proxy.start()).rejects.toThrow(/after close/);

    const again = await startProxy({ listenPort: 28722, targetPort: 28723 });
    const d = dial(28722);
    await connected(d);
    expect((await roundTrip(d, Buffer.from('port reused'))).toString()).toBe('port reused');
    await again.close();
  });

  it('rejects malformed options and modes', () => {
    expect(() => new LinkProxy({ listenPort: 70000, targetPort: 1 })).toThrow(RangeError);
    expect(() => new LinkProxy({ listenPort: 28724, targetPort: 0 })).toThrow(RangeError);
    const proxy = new LinkProxy({ listenPort: 28724, targetPort: 28725 });
    expect(() => proxy.setMode({ kind: 'slow', delayMs: -1, jitterMs: 0 })).toThrow(RangeError);
    expect(() => proxy.setMode({ kind: 'slow', delayMs: 1, jitterMs: Number.NaN })).toThrow(RangeError);
    expect(() => proxy.setMode({ kind: 'flaky', resetProbabilityPerSecond: Infinity })).toThrow(RangeError);
    expect(proxy.mode).toEqual({ kind: 'up' });
    const mode = { kind: 'slow' as const, delayMs: 10, jitterMs: 2 };
    proxy.setMode(mode);
    expect(proxy.mode).toEqual(mode);
    expect(Object.isFrozen(proxy.mode)).toBe(true);
  });
});
