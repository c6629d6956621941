/**
 * `npm run chaos -- [--duration S] [--nodes 3|5] [--nemesis all|none|kill,pause,...] [--seed S]
 *                   [--workloads register,set,log,etcd-register] [--base-port P] [--data-dir D]`
 * (`--workload` is an alias of `--workloads`.) `etcd-register` is the register workload through
 * etcd's v3 API (EtcdClient) instead of ordo's own. The `member` nemesis (membership changes:
 * nodes 4 and 5 join, voters leave) needs --nodes 3 and is not part of `all`: `--nemesis all,member`.
 * Exit 0 when the run passes (converged, every history checks out), 1 when it does not, 2 on bad usage.
 */
import { checkNemeses, NEMESES, parseNemeses } from './nemesis';
import { formatReport } from './report';
import { runChaos } from './run';
import { LogWorkload } from './workloads/log';
import { ETCD_REGISTER_API, RegisterWorkload, defaultRegisterOptions } from './workloads/register';
import { SetWorkload } from './workloads/set';
import type { Workload } from './workloads/workload';

const WORKLOADS: Record<string, () => Workload> = {
  register: () => new RegisterWorkload(),
  'etcd-register': () => new RegisterWorkload(defaultRegisterOptions, ETCD_REGISTER_API),
  set: () => new SetWorkload(),
  log: () => new LogWorkload(),
};

function usage(msg: string): never {
  process.stderr.write(`chaos: ${msg}\nusage: npm run chaos -- [--duration S] [--nodes 3|5] [--nemesis all|none|${NEMESES.join(',')} (member: --nodes 3 only, not in all)] [--seed S] [--workloads register,set,log,etcd-register] [--base-port P] [--data-dir D]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const o = { duration: 120, nodes: 3, nemesis: 'all', seed: Date.now() % 100_000, workloads: 'register,set', basePort: 29000, dataDir: undefined as string | undefined };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (v === undefined) usage(`${argv[i]} needs a value`);
    switch (argv[i]) {
      case '--duration': o.duration = Number(v); break;
      case '--nodes': o.nodes = Number(v); break;
      case '--nemesis': o.nemesis = v; break;
      case '--seed': o.seed = Number(v); break;
      case '--workloads':
      case '--workload': o.workloads = v; break;
      case '--base-port': o.basePort = Number(v); break;
      case '--data-dir': o.dataDir = v; break;
      default: usage(`unknown flag ${argv[i]}`);
    }
    i++;
  }
  if (!(o.duration > 0)) usage('--duration must be a positive number of seconds');
  if (!(o.nodes >= 3 && o.nodes <= 5)) usage('--nodes must be 3, 4 or 5');
  let nemeses;
  try {
    nemeses = parseNemeses(o.nemesis);
    checkNemeses(nemeses, o.nodes);
  } catch (e) {
    usage((e as Error).message);
  }
  const workloads = o.workloads.split(',').map((name) => (WORKLOADS[name] ?? usage(`unknown workload ${name} (${Object.keys(WORKLOADS).join(', ')})`))());
  const report = await runChaos({
    durationS: o.duration,
    nodes: o.nodes,
    nemeses,
    seed: o.seed,
    basePort: o.basePort,
    workloads,
    dataDir: o.dataDir,
    log: (l) => console.log(`[chaos] ${l}`),
  });
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
