/**
 * cluster-scripts/node.sh add|remove, and how start.sh and node.sh restart treat added and removed
 * nodes, against a fake `ordo`: the scripts are copied next to a bin/ordo that plays both the
 * servers (a process listening on its client port, which records its argv) and the CLI (answering
 * from a JSON file standing for the cluster's state). What this checks is the scripts' side: the
 * flags and --members spec a node starts with, the files in D, the order of the CLI calls, and
 * undoing a failed add. The real server side is not involved.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const BASE = 29600; // clients on BASE+id-1, peers on BASE+50+id-1; no other test file uses 29600-29699

/** Stands for the cluster: members, the leader's commit index, how the fake CLI should answer. */
interface FakeCluster {
  members: { id: number; role: string; clientAddress: string; peerAddress: string }[];
  commitIndex: number;
  /** status polls of the new node before its applied index reaches the commit index */
  pollsUntilCaughtUp: number;
  /** `error: ...` text the changes of this kind fail with; addApplied: the add is made all the same */
  refuse: { add?: string; remove?: string; addApplied?: boolean };
  /** every CLI call (servers excluded), argv after `ordo` */
  calls: string[][];
}

const FAKE_ORDO = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const args = process.argv.slice(2);
if (args[0] === 'server') {
  const flag = (f) => args[args.indexOf(f) + 1];
  const id = flag('--id');
  const self = flag('--members').split(',').find((m) => m.startsWith(id + '='));
  fs.writeFileSync(path.join(flag('--data-dir'), '..', 'argv'), JSON.stringify(args));
  net.createServer((s) => s.destroy()).listen(Number(self.split('/')[0].split(':')[1]), '127.0.0.1');
  return;
}
const file = process.env.FAKE_ORDO_STATE;
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
state.calls.push(args.filter((a, i) => a !== '--endpoints' && args[i - 1] !== '--endpoints'));
const save = () => fs.writeFileSync(file, JSON.stringify(state));
const fail = (text) => { save(); process.stderr.write(text + '\n'); process.exit(2); };
const endpoints = args[args.indexOf('--endpoints') + 1].split(',');
const leader = state.members.find((m) => m.id === 1);
const [cmd, sub, id, address] = args;
if (cmd === 'status') {
  const rows = endpoints.map((e) => {
    if (e === leader.clientAddress) return { address: e, role: 'leader', commitIndex: state.commitIndex, appliedIndex: state.commitIndex };
    const isNew = !state.members.some((m) => m.clientAddress === e && m.role === 'voter');
    const caughtUp = !isNew || state.pollsUntilCaughtUp-- <= 0;
    return { address: e, role: 'follower', commitIndex: 0, appliedIndex: caughtUp ? state.commitIndex : 0 };
  });
  save();
  console.log(JSON.stringify(rows));
} else if (cmd === 'member' && sub === 'list') {
  save();
  console.log(JSON.stringify({ members: state.members, leaderId: 1, configIndex: 1 }));
} else if (cmd === 'member' && sub === 'add') {
  const [clientAddress, peerAddress] = address.split('/');
  if (!state.refuse.add || state.refuse.addApplied) {
    state.members.push({ id: Number(id), role: args.includes('--learner') ? 'learner' : 'voter', clientAddress, peerAddress });
    state.commitIndex++;
  }
  if (state.refuse.add) fail(state.refuse.add);
  save();
} else if (cmd === 'member' && sub === 'promote') {
  state.members.find((m) => m.id === Number(id)).role = 'voter';
  state.commitIndex++;
  save();
} else if (cmd === 'member' && sub === 'remove') {
  if (state.refuse.remove) fail(state.refuse.remove);
  state.members = state.members.filter((m) => m.id !== Number(id));
  state.commitIndex++;
  save();
} else {
  fail('fake ordo: unexpected ' + args.join(' '));
}
`;

let root: string; // the copy: root/cluster-scripts, root/bin/ordo, root/dist/src/cli/main.js
let D: string;
let stateFile: string;

const client = (id: number) => `127.0.0.1:${BASE + id - 1}`;
const peer = (id: number) => `127.0.0.1:${BASE + 50 + id - 1}`;

function script(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORDO_')));
  const r = spawnSync('bash', [path.join(root, 'cluster-scripts', name), ...args, '--data-dir', D], {
    env: { ...clean, FAKE_ORDO_STATE: stateFile, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cluster = (): FakeCluster => JSON.parse(fs.readFileSync(stateFile, 'utf8'));
function setCluster(change: Partial<FakeCluster>): void {
  fs.writeFileSync(stateFile, JSON.stringify({ ...cluster(), calls: [], ...change }));
}
const endpoints = () => fs.readFileSync(path.join(D, 'endpoints'), 'utf8').trim();
const argvOf = (id: number): string[] => JSON.parse(fs.readFileSync(path.join(D, `n${id}`, 'argv'), 'utf8'));
const running = (id: number) => {
  const f = path.join(D, `n${id}.pid`);
  if (!fs.existsSync(f)) return false;
  try {
    process.kill(Number(fs.readFileSync(f, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-scripts-'));
  fs.cpSync(path.join(REPO, 'cluster-scripts'), path.join(root, 'cluster-scripts'), { recursive: true });
  fs.mkdirSync(path.join(root, 'bin'));
  fs.writeFileSync(path.join(root, 'bin', 'ordo'), FAKE_ORDO);
  fs.mkdirSync(path.join(root, 'dist', 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist', 'src', 'cli', 'main.js'), ''); // ensure_built: nothing to build
  D = path.join(root, 'cluster');
  stateFile = path.join(root, 'fake-cluster.json');
  const members = [1, 2, 3].map((id) => ({ id, role: 'voter', clientAddress: client(id), peerAddress: peer(id) }));
  fs.writeFileSync(stateFile, JSON.stringify({ members, commitIndex: 10, pollsUntilCaughtUp: 0, refuse: {}, calls: [] } satisfies FakeCluster));
  const r = script('start.sh', ['--nodes', '3', '--base-port', String(BASE)]);
  if (r.code !== 0) throw new Error(`start.sh failed: ${r.stderr}`);
});

afterAll(() => {
  if (!root) return;
  script('stop.sh', []);
  fs.rmSync(root, { recursive: true, force: true });
});

test('add 4: starts it with --join, the original members plus itself and ORDO_NODE_ARGS; adds, waits, promotes; one line', () => {
  setCluster({ pollsUntilCaughtUp: 2 });
  const r = script('node.sh', ['add', '4'], { ORDO_NODE_ARGS: '--log-level warn' });
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toBe(`added node 4 (pid ${fs.readFileSync(path.join(D, 'n4.pid'), 'utf8').trim()}, client ${BASE + 3}, peer ${BASE + 53}) as a voter; endpoints ${endpoints()}\n`);
  expect(argvOf(4)).toEqual([
    'server',
    '--id',
    '4',
    '--join',
    '--members',
    [1, 2, 3, 4].map((id) => `${id}=${client(id)}/${peer(id)}`).join(','),
    '--data-dir',
    path.join(D, 'n4', 'data'),
    '--log-level',
    'warn',
  ]);
  expect(cluster().calls).toEqual([
    ['member', 'list', '--json'],
    ['member', 'add', '4', `${client(4)}/${peer(4)}`, '--learner'],
    ['status', '--json'], // the leader's commit index
    ['status', '--json'], // node 4, behind
    ['status', '--json'], // behind
    ['status', '--json'], // caught up
    ['member', 'promote', '4'],
  ]);
  expect(endpoints()).toBe([1, 2, 3, 4].map(client).join(','));
  expect(endpoints().split(',')[3]).toBe(client(4));
  expect(cluster().members.find((m) => m.id === 4)?.role).toBe('voter');
  expect(fs.existsSync(path.join(D, 'n4.joined'))).toBe(true);
});

test('restart 4 and a stop.sh/start.sh cycle bring it back with --join and the same spec', () => {
  const before = argvOf(4);
  expect(script('node.sh', ['restart', '4'], { ORDO_NODE_ARGS: '--log-level warn' }).code).toBe(0);
  expect(argvOf(4)).toEqual(before);
  expect(script('stop.sh', []).code).toBe(0);
  expect([1, 2, 3, 4].some(running)).toBe(false);
  fs.rmSync(path.join(D, 'n4', 'argv'));
  const r = script('start.sh', ['--nodes', '3', '--base-port', String(BASE)], { ORDO_NODE_ARGS: '--log-level warn' });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('ordo: 4 nodes listening');
  expect(argvOf(4)).toEqual(before);
  expect(argvOf(1)).not.toContain('--join');
  expect(endpoints()).toBe([1, 2, 3, 4].map(client).join(','));
});

test('refused before anything starts: an original id, an added one, one the cluster knows; bad ids', () => {
  const refusals: [string[], RegExp][] = [
    [['add', '3'], /node 3 is one of the cluster's 3 original nodes/],
    [['add', '4'], /node 4 is already running/],
    [['add', '51'], /node ids end at 50/],
    [['add', '04'], /usage: node\.sh/],
    [['add', 'x'], /usage: node\.sh/],
  ];
  for (const [args, why] of refusals) {
    const r = script('node.sh', args);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(why) });
  }
  setCluster({ members: [...cluster().members, { id: 6, role: 'learner', clientAddress: 'elsewhere:1', peerAddress: 'elsewhere:2' }] });
  expect(script('node.sh', ['add', '6']).stderr).toMatch(/node 6 is already a member \(learner\)/);
  expect(running(6)).toBe(false);
});

test('a port in use: refused before anything starts', async () => {
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(BASE + 50 + 6, '127.0.0.1', resolve));
  try {
    expect(script('node.sh', ['add', '7'])).toMatchObject({ code: 2, stderr: `node.sh: port ${BASE + 56} is already in use\n` });
    expect(fs.existsSync(path.join(D, 'n7.joined'))).toBe(false);
  } finally {
    squatter.close();
  }
});

test('a refused member add: the new node is stopped and its files go, except the log', () => {
  setCluster({ refuse: { add: 'error: FAILED_PRECONDITION: a configuration change is pending' } });
  const r = script('node.sh', ['add', '5']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`error: FAILED_PRECONDITION: a configuration change is pending\nnode.sh: node 5 was not added (above); stopped it and removed ${D}/n5\n`);
  expect(running(5)).toBe(false);
  expect(['n5', 'n5.joined', 'n5.pid'].filter((f) => fs.existsSync(path.join(D, f)))).toEqual([]);
  expect(fs.existsSync(path.join(D, 'n5.log'))).toBe(true);
  expect(endpoints()).toBe([1, 2, 3, 4].map(client).join(','));
});

test('an add answered with an error that took effect anyway (a lost answer) goes on to the catch-up and the promotion', () => {
  setCluster({ refuse: { add: 'error: DEADLINE_EXCEEDED: no answer within 10000 ms', addApplied: true } });
  const r = script('node.sh', ['add', '5']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('error: DEADLINE_EXCEEDED: no answer within 10000 ms\nnode 5 was added after all (a learner); going on\n');
  expect(r.stdout).toMatch(/^added node 5 /);
  expect(cluster().calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['member list', 'member add', 'member list', 'status --json', 'status --json', 'member promote']);
  expect(endpoints()).toBe([1, 2, 3, 4, 5].map(client).join(','));
});

test('remove 2: removed from the cluster, stopped, out of D/endpoints, data kept; never started again', () => {
  setCluster({ refuse: {} });
  const r = script('node.sh', ['remove', '2']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toBe(`removed node 2 and stopped it (its data stays in ${D}/n2); endpoints ${[1, 3, 4, 5].map(client).join(',')}\n`);
  expect(cluster().calls).toEqual([['member', 'remove', '2']]);
  expect(running(2)).toBe(false);
  expect(fs.existsSync(path.join(D, 'n2', 'data'))).toBe(true);
  expect(script('node.sh', ['restart', '2']).stderr).toMatch(/node 2 was removed from the cluster/);
  expect(script('node.sh', ['add', '2']).stderr).toMatch(/one of the cluster's 3 original nodes/);
  script('stop.sh', []);
  expect(script('start.sh', ['--nodes', '3', '--base-port', String(BASE)]).stdout).toContain('ordo: 4 nodes listening');
  expect([1, 2, 3, 4, 5].map(running)).toEqual([true, false, true, true, true]);
  expect(endpoints()).toBe([1, 3, 4, 5].map(client).join(','));
});

test('a refused remove changes nothing', () => {
  setCluster({ refuse: { remove: 'error: NOT_FOUND: member 9 not found' } });
  const r = script('node.sh', ['remove', '9']);
  expect(r).toMatchObject({ code: 2, stderr: 'error: NOT_FOUND: member 9 not found\nnode.sh: node 9 was not removed (above)\n' });
  expect(fs.existsSync(path.join(D, 'n9.removed'))).toBe(false);
  expect(endpoints()).toBe([1, 3, 4, 5].map(client).join(','));
});
