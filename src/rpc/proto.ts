import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProtoGrpcType as KvProto } from '../generated/kv';
import type { ProtoGrpcType as RaftProto } from '../generated/raft';

/**
 * Loads the .proto files once per process. Options match `npm run gen:proto`, which generates
 * the TypeScript types in src/generated from the same files: 64-bit integers as JS numbers
 * (indexes and terms stay far below 2^53), enums as strings, defaults filled in.
 */
const PROTO_DIR = findProtoDir(__dirname);
const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

/** The repo's proto/ folder, from src/rpc (tests, tsx) or dist/src/rpc (compiled). */
function findProtoDir(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'kv.proto'))) return join(dir, 'proto');
  }
  throw new Error(`proto/kv.proto not found above ${from}`);
}

let kv: KvProto | null = null;
let raft: RaftProto | null = null;

function load<T>(file: string): T {
  const def = protoLoader.loadSync(join(PROTO_DIR, file), LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def) as unknown as T;
}

export function kvProto(): KvProto {
  return (kv ??= load<KvProto>('kv.proto'));
}

export function raftProto(): RaftProto {
  return (raft ??= load<RaftProto>('raft.proto'));
}

/** Message size cap for every channel and server: the largest value plus generous headroom. */
export const GRPC_MESSAGE_BYTES_MAX = 16 << 20;
