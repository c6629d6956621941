/**
 * npm run bench -- [compare] [--target ordo|etcd] [--scenario put|get|get-serializable|append|failover|all]
 *   [--inflight 64] [--connections 4] [--duration 10] [--warmup 2] [--key-bytes 16] [--value-bytes 128]
 *   [--batch 100] [--rounds 2] [--trials 5] [--json] [--save]
 * See docs/bench.md. With --json the last line of stdout is the result as one JSON object and
 * everything else goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureFloor } from './floor';
import { histogramSelfCheck } from './histogram';
import { errorNotes, floorText, ratioTable, scenarioReport, summarize, summaryTable, type ScenarioReport } from './report';
import { type Params, type Run, expandScenario, runScenario } from './scenarios';
import { type TargetName, runningTargets } from './targets/common';

interface Cli {
  mode: 'run' | 'compare' | 'selfcheck';
  target: TargetName;
  scenario: string;
  rounds: number;
  json: boolean;
  save: boolean;
  params: Params;
}

const USAGE = `usage: npm run bench -- [compare|selfcheck] [--target ordo|etcd] [--scenario put|get|get-serializable|append|failover|all]
       [--inflight N=64] [--connections N=4] [--duration S=10] [--warmup S=2] [--key-bytes 16] [--value-bytes 128]
       [--batch 100] [--rounds 2] [--trials 5] [--json] [--save]`;

function parse(argv: string[]): Cli {
  const cli: Cli = {
    mode: 'run',
    target: 'ordo',
    scenario: 'put',
    rounds: 2,
    json: false,
    save: false,
    params: {
      inflight: 64,
      connections: 4,
      durationS: 10,
      warmupS: 2,
      keyBytes: 16,
      valueBytes: 128,
      batch: 100,
      recordBytes: 1024,
      keys: 10_000,
      timeoutMs: 10_000,
      failoverTrials: 5,
      failoverAttemptMs: 250,
    },
  };
  const p = cli.params as { -readonly [K in keyof Params]: Params[K] };
  const positive = (flag: string, v: string | undefined, min = 1): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    switch (a) {
      case 'compare':
      case 'run':
      case 'selfcheck':
        cli.mode = a;
        break;
      case '--target': {
        const t = v();
        if (t !== 'ordo' && t !== 'etcd') throw new Error(`--target must be ordo or etcd, got ${t}`);
        cli.target = t;
        break;
      }
      case '--scenario':
        cli.scenario = v() ?? '';
        break;
      case '--inflight':
        p.inflight = Math.floor(positive(a, v()));
        break;
      case '--connections':
        p.connections = Math.floor(positive(a, v()));
        break;
      case '--duration':
        p.durationS = positive(a, v());
        break;
      case '--warmup':
        p.warmupS = positive(a, v(), 0);
        break;
      case '--key-bytes':
        p.keyBytes = Math.floor(positive(a, v()));
        break;
      case '--value-bytes':
        p.valueBytes = Math.floor(positive(a, v()));
        break;
      case '--batch':
        p.batch = Math.floor(positive(a, v()));
        break;
      case '--rounds':
        cli.rounds = Math.floor(positive(a, v()));
        break;
      case '--trials':
        p.failoverTrials = Math.floor(positive(a, v()));
        break;
      case '--json':
        cli.json = true;
        break;
      case '--save':
        cli.save = true;
        break;
      case '-h':
      case '--help':
        process.stderr.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  expandScenario(cli.scenario, cli.params); // validates the name
  return cli;
}

async function main(): Promise<void> {
  const cli = parse(process.argv.slice(2));
  const err = (line: string) => process.stderr.write(line + '\n');
  const out = cli.json ? err : (line: string) => process.stdout.write(line + '\n');

  if (cli.mode === 'selfcheck') {
    const problems = histogramSelfCheck();
    out(problems.length ? `histogram self-check FAILED:\n${problems.join('\n')}` : 'histogram self-check OK');
    process.exitCode = problems.length ? 1 : 0;
    return;
  }

  const floor = await measureFloor();
  out(floorText(floor));

  const specs = expandScenario(cli.scenario, cli.params);
  const targets: TargetName[] = cli.mode === 'compare' ? ['ordo', 'etcd'] : [cli.target];
  const rounds = cli.mode === 'compare' ? cli.rounds : 1;
  const runs: Run[] = [];
  const reports: ScenarioReport[] = [];
  for (const spec of specs) {
    const mine: Run[] = [];
    // compare: A B A B, each run on a fresh cluster
    for (let r = 1; r <= rounds; r++) {
      for (const t of targets) {
        const label = `[${t} ${spec.id}${rounds > 1 ? ` round ${r}/${rounds}` : ''}]`;
        const run = await runScenario(spec, t, cli.params, label, err);
        if (run) mine.push(run);
        else if (r === 1) err(`${label}: skipped (etcd has no equivalent)`);
      }
    }
    runs.push(...mine);
    const ordo = summarize(mine.filter((m) => m.target === 'ordo'));
    const etcd = summarize(mine.filter((m) => m.target === 'etcd'));
    const report = scenarioReport(spec, targets.includes('ordo') ? ordo : null, targets.includes('etcd') ? etcd : null);
    reports.push(report);
    if (specs.length > 1) err(summaryTable([report]));
  }

  out('');
  out(floorText(floor));
  out(summaryTable(reports));
  if (cli.mode === 'compare') out('\n' + ratioTable(reports));
  const notes = errorNotes(reports);
  if (notes) out('\n' + notes);

  const params = { ...cli.params, rounds, mode: cli.mode };
  const result = reports.length === 1 ? { ...reports[0], params, floor } : { scenario: cli.scenario, scenarios: reports, params, floor };
  if (cli.save) {
    const dir = resolve(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const raw = runs.map((r) => (r.type === 'load' ? { ...r, hist: r.hist.toJSON() } : r));
    writeFileSync(file, JSON.stringify({ result, runs: raw }, null, 2) + '\n');
    err(`saved ${file}`);
  }
  if (cli.json) process.stdout.write(JSON.stringify(result) + '\n');
}

let stopping = false;
async function stopAll(why: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${why}: stopping ${runningTargets.size} cluster(s)\n`);
  await Promise.all([...runningTargets].map((t) => t.stop()));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll('interrupted', 130));
process.on('SIGTERM', () => void stopAll('terminated', 143));
// Last resort: whatever is still running when the process exits is killed by pid, synchronously.
process.on('exit', () => {
  for (const t of [...runningTargets]) t.abandon();
});

main().then(
  () => process.exit(process.exitCode ?? 0),
  async (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.stack || e.message : String(e)}\n`);
    await Promise.all([...runningTargets].map((t) => t.stop()));
    process.exit(1);
  },
);
