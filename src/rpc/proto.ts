import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';
import type { ProtoGrpcType as KvProto } from '../generated/kv';
import type { ProtoGrpcType as RaftProto } from '../generated/raft';
import type { ProtoGrpcType as LogProto } from '../generated/log';

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

function load<T>(file: string): T {
  const def = protoLoader.loadSync(join(PROTO_DIR, file), LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def) as unknown as T;
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
