import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';
import type { ProtoGrpcType as KvProto } from '../generated/kv';
import type { ProtoGrpcType as RaftProto } from '../generated/raft';
import type { ProtoGrpcType as LogProto } from '../generated/log';
import type { ProtoGrpcType as EtcdProto } from '../generated/etcd/rpc';

/**
 * Loads the .proto files once per process. Options match `npm run gen:proto`, which generates
 * the TypeScript types in src/generated from the same files: 64-bit integers as JS numbers
 * (indexes and terms stay far below 2^53), enums as strings, defaults filled in.
 */
const PROTO_DIR = join(repoRoot(), 'proto');
const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

let kv: KvProto | null = null;
let raft: RaftProto | null = null;
let log: LogProto | null = null;
let etcd: EtcdProto | null = null;

function load<T>(file: string): T {
  const def = protoLoader.loadSync(join(PROTO_DIR, file), LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def) as unknown as T;
}

/**
 * etcd's v3 client API (packages etcdserverpb and mvccpb), wire-compatible with etcd 3.4/3.5 so
 * etcdctl and etcd client libraries can talk to ordo. Different options from ordo's own protos,
 * matching the etcd half of `npm run gen:proto`: field names exactly as etcd spells them
 * (`ID`, `TTL`, `create_revision`), and 64-bit integers as decimal strings, because lease ids and
 * cluster/member ids use the full 64 bits.
 */
const ETCD_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [join(PROTO_DIR, 'etcd')],
};

export function etcdProto(): EtcdProto {
  if (etcd === null) {
    const def = protoLoader.loadSync(join(PROTO_DIR, 'etcd', 'etcdserverpb', 'rpc.proto'), ETCD_LOADER_OPTIONS);
    etcd = grpc.loadPackageDefinition(def) as unknown as EtcdProto;
  }
  return etcd;
}

export function kvProto(): KvProto {
  return (kv ??= load<KvProto>('kv.proto'));
}

export function logProto(): LogProto {
  return (log ??= load<LogProto>('log.proto'));
}

export function raftProto(): RaftProto {
  return (raft ??= load<RaftProto>('raft.proto'));
}

/** Message size cap for every channel and server: the largest value plus generous headroom. */
export const GRPC_MESSAGE_BYTES_MAX = 16 << 20;
