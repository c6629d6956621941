import * as grpc from '@grpc/grpc-js';
import { createServer, type Server as NetServer } from 'node:net';
import { etcdProto } from '../../src/rpc/proto';

export type Method = 'Range' | 'Put' | 'DeleteRange' | 'Txn' | 'Compact' | 'LeaseGrant' | 'LeaseRevoke';

/** A scripted answer: a response, a gRPC error, or silence (the call hangs until its deadline). */
export type Answer = { ok: object } | { error: grpc.status; details: string } | 'hang';
export type Script = Partial<Record<Method, (request: Record<string, unknown>) => Answer>>;

const header = (revision: number) => ({ cluster_id: '1', member_id: '1', revision: String(revision), raft_term: '1' });

/**
 * A tiny in-process etcd: etcdserverpb.KV and Lease on a real grpc-js server, answering each call
 * from a script (by default, an empty success) and recording every request it received.
 */
export class FakeEtcd {
  readonly calls: { method: Method; request: Record<string, unknown> }[] = [];
  private server: grpc.Server | null = null;
  port = 0;

  constructor(public script: Script = {}) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  received(method: Method): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  async start(port = this.port): Promise<this> {
    const pb = etcdProto().etcdserverpb;
    const server = new grpc.Server();
    const handler = (method: Method) => (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, cb: grpc.sendUnaryData<object>) => {
      this.calls.push({ method, request: call.request });
      const answer = this.script[method]?.(call.request) ?? { ok: { header: header(1) } };
      if (answer === 'hang') return;
      if ('ok' in answer) cb(null, answer.ok);
      else cb({ code: answer.error, details: answer.details }, null);
    };
    server.addService(pb.KV.service, { Range: handler('Range'), Put: handler('Put'), DeleteRange: handler('DeleteRange'), Txn: handler('Txn'), Compact: handler('Compact') });
    server.addService(pb.Lease.service, { LeaseGrant: handler('LeaseGrant'), LeaseRevoke: handler('LeaseRevoke') } as grpc.UntypedServiceImplementation);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    return this;
  }

  stop(): void {
    this.server?.forceShutdown();
    this.server = null;
  }
}

export { header };

/** A port nothing listens on (connections are refused). */
export async function refusedPort(): Promise<number> {
  const s = createServer();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP listener that accepts connections and never says a word: a node frozen by SIGSTOP, as a new client sees it. */
export async function silentListener(): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const s: NetServer = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
  });
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
  return {
    address: `127.0.0.1:${port}`,
    close: async () => {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => s.close(r));
    },
  };
}
