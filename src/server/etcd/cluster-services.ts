import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterHandlers } from '../../generated/etcd/etcdserverpb/Cluster';
import type { MaintenanceHandlers } from '../../generated/etcd/etcdserverpb/Maintenance';
import type { Member } from '../../generated/etcd/etcdserverpb/Member';
import { type EtcdContext, header } from './context';
import { toEtcdStatus } from './errors';

/** The etcd version ordo's API corresponds to, as `endpoint status` reports it. */
export const ETCD_API_VERSION = '3.5.0';

/**
 * The parts of etcd's Maintenance and Cluster services that status tools use: Status (endpoint
 * status), Alarm (endpoint health checks it; ordo raises no alarms) and MemberList. Membership
 * changes go through ordo's own Cluster service (`ordo member ...`): etcd's MemberAdd etc. answer UNIMPLEMENTED.
 */
export function etcdMaintenanceHandlers(ctx: EtcdContext): Partial<MaintenanceHandlers> {
  return {
    Status(_call, cb) {
      dirBytes(ctx.dataDir).then(
        (dbSize) => {
          const st = ctx.node.status();
          cb(null, {
            header: header(ctx),
            version: ETCD_API_VERSION,
            dbSize,
            dbSizeInUse: dbSize,
            leader: String(st.leaderId),
            raftIndex: String(st.commitIndex),
            raftTerm: String(st.term),
            raftAppliedIndex: String(st.appliedIndex),
            errors: [],
            isLearner: ctx.node.status().config.learners.includes(st.id),
          });
        },
        (e: unknown) => cb(toEtcdStatus(e), null),
      );
    },
    Alarm(_call, cb) {
      cb(null, { header: header(ctx), alarms: [] });
    },
  };
}

export function etcdClusterHandlers(ctx: EtcdContext): Partial<ClusterHandlers> {
  return {
    MemberList(_call, cb) {
      const members: Member[] = ctx.directory.list(ctx.node.status().committedConfig).map((m) => ({
        ID: String(m.id),
        name: `n${m.id}`,
        peerURLs: m.peerAddress ? [`http://${m.peerAddress}`] : [],
        clientURLs: m.clientAddress ? [`http://${m.clientAddress}`] : [],
        isLearner: m.role === 'learner',
      }));
      cb(null, { header: header(ctx), members });
    },
  };
}

/** Bytes of the files in the node's LevelDB directory (etcd's dbSize). */
async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) {
    const s = await stat(join(dir, name)).catch(() => null);
    if (s?.isFile()) total += s.size;
  }
  return total;
}
