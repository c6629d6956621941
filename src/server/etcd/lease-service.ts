import type { LeaseHandlers } from '../../generated/etcd/etcdserverpb/Lease';
import type { LeaseKeepAliveRequest__Output } from '../../generated/etcd/etcdserverpb/LeaseKeepAliveRequest';
import type { LeaseKeepAliveResponse } from '../../generated/etcd/etcdserverpb/LeaseKeepAliveResponse';
import { type EtcdContext, deadlineOf, header } from './context';
import { ETCD, toEtcdStatus } from './errors';
import { proposeOp, unary } from './handler';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../forward/forwarder';
import { int64 } from './wire';

/** etcd's largest lease TTL, in seconds. */
export const LEASE_TTL_MAX_SECONDS = 9_000_000_000;

/**
 * etcd's Lease service. Grants and revokes are commands through the log; keep-alives and
 * remaining TTLs are answered by the leader's lessor (followers ask it over the peer port).
 */
export function etcdLeaseHandlers(ctx: EtcdContext): LeaseHandlers {
  const { node, forwarder, lessor } = ctx;

  return {
    LeaseGrant: unary(async (call) => {
      const ttl = int64('TTL', call.request.TTL);
      if (ttl > LEASE_TTL_MAX_SECONDS) throw ETCD.leaseTtlTooLarge;
      const { response, revision } = await proposeOp(ctx, { type: 'leaseGrant', id: int64('ID', call.request.ID), ttlSeconds: ttl }, call);
      if (response.type !== 'leaseGrant') throw new Error(`lease grant answered with ${response.type}`);
      return { header: header(ctx, revision), ID: String(response.id), TTL: String(response.ttlSeconds), error: '' };
    }),

    LeaseRevoke: unary(async (call) => {
      const { revision } = await proposeOp(ctx, { type: 'leaseRevoke', id: int64('ID', call.request.ID) }, call);
      return { header: header(ctx, revision) };
    }),

    LeaseTimeToLive: unary(async (call) => {
      const id = int64('ID', call.request.ID);
      const deadline = deadlineOf(call);
      await forwarder.readBarrier(deadline);
      const ttl = await forwarder.lease('timeToLive', id, deadline, () => lessor.remaining(id));
      const lease = node.stateMachine.lease(id);
      if (ttl < 0 || lease === undefined) return { header: header(ctx), ID: String(id), TTL: '-1', grantedTTL: '0', keys: [] };
      return { header: header(ctx), ID: String(id), TTL: String(ttl), grantedTTL: String(lease.ttlSeconds), keys: call.request.keys ? lease.keys : [] };
    }),

    LeaseLeases: unary(async (call) => {
      await forwarder.readBarrier(deadlineOf(call));
      return { header: header(ctx), leases: node.stateMachine.leases().map((l) => ({ ID: String(l.id) })) };
    }),

    LeaseKeepAlive(call) {
      // One renewal at a time per stream, answered in request order.
      let chain = Promise.resolve();
      call.on('data', (req: LeaseKeepAliveRequest__Output) => {
        chain = chain.then(async () => {
          try {
            const id = int64('ID', req.ID);
            const ttl = await forwarder.lease('keepAlive', id, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, () => lessor.renew(id));
            // etcd answers an unknown (or expired) lease with TTL 0 rather than an error.
            const res: LeaseKeepAliveResponse = { header: header(ctx), ID: String(id), TTL: String(Math.max(ttl, 0)) };
            if (!call.cancelled) call.write(res);
          } catch (e) {
            if (!call.cancelled) call.emit('error', toEtcdStatus(e));
          }
        });
      });
      call.on('end', () => void chain.then(() => call.end()));
      call.on('error', () => undefined); // the client went away
    },
  };
}
