import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { defaultRaftConfig, RaftConfig } from '../raft/core/types';
import { RaftNode } from '../raft/node/raft-node';
import { PeerLink } from '../raft/transport/peer-link';
import { peerHandlers } from '../raft/transport/peer-service';
import { SnapshotSender } from '../raft/transport/snapshot-sender';
import { GRPC_MESSAGE_BYTES_MAX, kvProto, logProto, raftProto } from '../rpc/proto';
import { defaultStateMachineConfig, StateMachineConfig } from '../statemachine';
import { clusterHandlers } from './cluster-service';
import type { ServerConfig } from './config';
import { kvHandlers } from './kv-service';
import { logHandlers } from './log-service';
import { watchHandlers } from './watch-service';
import { addEtcdServices, Lessor } from './etcd';
import { DEFAULT_REQUEST_TIMEOUT_MS, Forwarder } from './forward/forwarder';
import { forwardHandlers } from './forward/forward-service';
import { HistoryGc } from './history-gc';
import { MemberDirectory } from './member-directory';

/** How often links to nodes no longer in the configuration are closed. */
const LINK_PRUNE_MS = 5000;

const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
};

/**
 * One ordo node: the Raft node (LevelDB + core), the peer transport, and two gRPC servers:
 * clients on `listen`, peers on `peerListen` (kept apart so a proxy can sit on peer links).
 */
export class OrdoServer {
  private readonly links = new Map<number, PeerLink>();
  private clientServer: grpc.Server | null = null;
  private peerServer: grpc.Server | null = null;
  private node: RaftNode | null = null;
  private forwarder: Forwarder | null = null;
  private lessor: Lessor | null = null;
  private historyGc: HistoryGc | null = null;
  private snapshots: SnapshotSender | null = null;
  private directory: MemberDirectory | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly cfg: ServerConfig,
    private readonly log: Logger,
    private readonly onFatal: (e: Error) => void,
  ) {}

  async start(): Promise<void> {
    const cfg = this.cfg;
    // The bootstrap voters, identical on every node that ever joins (RaftConfig.voters).
    const voters = cfg.members.map((m) => m.id).filter((id) => !cfg.join || id !== cfg.id);
    const node = await RaftNode.open({
      dataDir: cfg.dataDir,
      raft: this.raftConfig(voters),
      tickMs: cfg.tickMs,
      stateMachine: this.stateMachineConfig(),
      snapshots: { entries: cfg.snapshotEntries, bytes: cfg.snapshotBytes },
      log: this.log,
      send: (to, msgs) => this.linkTo(to)?.send(msgs),
      sendSnapshot: (to, term) => this.snapshots?.send(to, term),
      onFatal: this.onFatal,
    });
    this.node = node;
    const directory = new MemberDirectory(node, cfg.members);
    this.directory = directory;
    this.snapshots = new SnapshotSender({
      cluster: cfg.cluster,
      selfId: cfg.id,
      log: this.log,
      open: () => node.openSnapshotSource(),
      stream: (to, done) => this.linkTo(to)?.openSnapshotStream(done) ?? null,
      failed: (to) => node.snapshotFailed(to),
    });
    const self = cfg.members.find((m) => m.id === cfg.id)!;
    const addressOf = (id: number) => directory.clientAddress(id);
    const forwarder = new Forwarder(node, cfg.cluster, (id) => directory.peerAddress(id));
    this.forwarder = forwarder;
    const lessor = new Lessor(node, (id) => forwarder.propose({ type: 'leaseRevoke', id }, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS), this.log);
    this.lessor = lessor;
    this.historyGc = new HistoryGc(node, this.log);

    this.peerServer = new grpc.Server(SERVER_OPTIONS);
    const handlers = peerHandlers({
      cluster: cfg.cluster,
      selfId: cfg.id,
      log: this.log,
      deliver: (msgs) => node.step(msgs),
      learnAddress: (id, address) => directory.hear(id, address),
      snapshots: { begin: (meta) => node.beginSnapshotStaging(meta), offer: (staging, msg) => node.offerSnapshot(staging, msg) },
    });
    const raftV1 = raftProto().ordo.raft.v1;
    this.peerServer.addService(raftV1.Peer.service, handlers);
    this.peerServer.addService(raftV1.Forward.service, forwardHandlers(node, cfg.cluster, lessor));
    await bind(this.peerServer, cfg.peerListen);

    this.clientServer = new grpc.Server(SERVER_OPTIONS);
    const v1 = kvProto().ordo.v1;
    const unsafe = { staleReads: process.env.ORDO_UNSAFE_STALE_READS === '1' };
    if (unsafe.staleReads) this.log.warn('ORDO_UNSAFE_STALE_READS=1: serving linearizable reads from local state (a deliberately broken build)');
    this.clientServer.addService(v1.KV.service, kvHandlers(node, this.stateMachineConfig(), addressOf, unsafe));
    this.clientServer.addService(v1.Cluster.service, clusterHandlers(node, self, directory));
    const logV1 = logProto().ordo.v1;
    this.clientServer.addService(logV1.Log.service, logHandlers(node, this.stateMachineConfig(), addressOf));
    this.clientServer.addService(logV1.Watch.service, watchHandlers(node, addressOf));
    addEtcdServices(
      this.clientServer,
      { node, forwarder, lessor, smConfig: this.stateMachineConfig(), cluster: cfg.cluster, directory, dataDir: cfg.dataDir, unsafeStaleReads: unsafe.staleReads },
      { progressNotifyMs: cfg.watchProgressNotifyMs },
    );
    await bind(this.clientServer, cfg.listen);

    node.start();
    lessor.start();
    this.historyGc.start();
    this.pruneTimer = setInterval(() => this.pruneLinks(), LINK_PRUNE_MS);
    this.pruneTimer.unref();
    if (cfg.join) this.log.info('joining: waiting for a member to add this node (ordo member add)');
    this.log.info({ listen: cfg.listen, peerListen: cfg.peerListen, members: cfg.members.length }, 'ordo node serving');
  }

  /** SIGTERM: stop taking requests, let in-flight ones finish briefly, close the store cleanly. */
  async stop(graceMs = 2000): Promise<void> {
    // Client calls get a grace period; peer streams never end on their own, so they are cut.
    this.lessor?.stop();
    this.historyGc?.stop();
    this.snapshots?.close();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await shutdown(this.clientServer, graceMs);
    this.peerServer?.forceShutdown();
    this.forwarder?.close();
    for (const link of this.links.values()) link.close();
    await this.node?.stop();
  }

  /** The link to a peer, opened on first use: members added at runtime are found in the directory. */
  private linkTo(id: number): PeerLink | undefined {
    const known = this.links.get(id);
    if (known || id === this.cfg.id) return known;
    const address = this.directory?.peerAddress(id);
    if (!address) return undefined;
    const self = this.cfg.members.find((m) => m.id === this.cfg.id);
    const link = new PeerLink(id, address, this.cfg.cluster, this.log, self?.peerAddress ?? '');
    this.links.set(id, link);
    return link;
  }

  /** Links to nodes removed from the configuration (their farewell had time to leave) close. */
  private pruneLinks(): void {
    for (const [id, link] of this.links) {
      const moved = this.directory?.peerAddress(id) !== link.address;
      if (this.directory?.isPeer(id) && !moved) continue;
      link.close();
      this.links.delete(id);
    }
  }

  private raftConfig(voters: number[]): RaftConfig {
    const cfg = this.cfg;
    return {
      ...defaultRaftConfig,
      id: cfg.id,
      voters,
      heartbeatTicks: Math.max(1, Math.round(cfg.heartbeatMs / cfg.tickMs)),
      electionTicks: Math.max(2, Math.round(cfg.electionMs / cfg.tickMs)),
      maxUncommittedBytes: cfg.maxUncommittedBytes,
      snapshotTrailingEntries: cfg.snapshotTrailingEntries,
      // The largest command: an append batch at its byte limit, or one put at the value limit.
      maxEntryBytes: Math.max(defaultStateMachineConfig.appendBytesMax, cfg.valueBytesMax + cfg.keyBytesMax) + 64 * 1024,
    };
  }

  private stateMachineConfig(): StateMachineConfig {
    return { ...defaultStateMachineConfig, keyBytesMax: this.cfg.keyBytesMax, valueBytesMax: this.cfg.valueBytesMax };
  }
}

function bind(server: grpc.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(new Error(`cannot listen on ${address}: ${err.message}`)) : resolve())),
  );
}

function shutdown(server: grpc.Server | null, graceMs: number): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
