import type * as grpc from '@grpc/grpc-js';
import { etcdProto } from '../../rpc/proto';
import { etcdClusterHandlers, etcdMaintenanceHandlers } from './cluster-services';
import type { EtcdContext } from './context';
import { etcdKvHandlers } from './kv-service';
import { etcdLeaseHandlers } from './lease-service';
import { etcdWatchHandlers } from './watch-service';

export { Lessor } from './lessor';
export type { EtcdContext } from './context';

/** Adds etcd's v3 services (package etcdserverpb) to the client server. */
export function addEtcdServices(server: grpc.Server, ctx: EtcdContext, opts: { progressNotifyMs?: number } = {}): void {
  const pb = etcdProto().etcdserverpb;
  server.addService(pb.KV.service, etcdKvHandlers(ctx));
  server.addService(pb.Watch.service, etcdWatchHandlers(ctx, opts.progressNotifyMs));
  server.addService(pb.Lease.service, etcdLeaseHandlers(ctx));
  // Methods not listed (membership changes, defragment, snapshot ...) answer UNIMPLEMENTED.
  server.addService(pb.Maintenance.service, etcdMaintenanceHandlers(ctx) as grpc.UntypedServiceImplementation);
  server.addService(pb.Cluster.service, etcdClusterHandlers(ctx) as grpc.UntypedServiceImplementation);
}
