/**
 * Bad membership requests get a clear gRPC status and change nothing: an existing id, a
 * non-member, a malformed address, promoting a voter, a second change while one is pending
 * (dissertation 4.1), and removing the last voter.
 */
import * as grpc from '@grpc/grpc-js';
import type { ClusterClient } from '../../src/generated/ordo/v1/Cluster';
import type { MemberChangeResponse__Output } from '../../src/generated/ordo/v1/MemberChangeResponse';
import type { MemberListResponse__Output } from '../../src/generated/ordo/v1/MemberListResponse';
import { kvProto } from '../../src/rpc/proto';
import { Cluster } from './support/cluster';

let cluster: Cluster;
let single: Cluster;

beforeAll(async () => {
  cluster = Cluster.start('membership-bad-input', { nodes: 3 });
  single = Cluster.start('membership-bad-input', { nodes: 1, portOffset: 5 });
  await cluster.waitForLeader();
  await single.waitForLeader();
}, 60_000);

afterAll(() => {
  cluster?.destroy();
  single?.destroy();
});

function clusterClient(endpoint: string): ClusterClient {
  const Cluster = kvProto().ordo.v1.Cluster;
  return new Cluster(endpoint, grpc.credentials.createInsecure());
}

function call<Req, Res>(fn: (req: Req, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => unknown, req: Req, timeoutMs = 5000): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r!))));
}

async function memberIds(c: Cluster): Promise<Array<[number, string]>> {
  const out = await c.ordoOk(['member', 'list', '--json']);
  return (JSON.parse(out) as { members: Array<{ id: number; role: string }> }).members.map((m) => [m.id, m.role]);
}

const THREE: Array<[number, string]> = [
  [1, 'voter'],
  [2, 'voter'],
  [3, 'voter'],
];

test.each([
  [['member', 'add', '2', '127.0.0.1:9999'], 'ALREADY_EXISTS', /node 2 is already a member/],
  [['member', 'remove', '7'], 'NOT_FOUND', /node 7 is not a member/],
  [['member', 'promote', '1'], 'FAILED_PRECONDITION', /node 1 is not a learner/],
])('ordo %j -> %s, nothing changes', async (args, code, message) => {
  const r = await cluster.ordo(args);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(code);
  expect(r.stderr).toMatch(message);
  expect(await memberIds(cluster)).toEqual(THREE);
});

test('a malformed address is INVALID_ARGUMENT naming the field, from the server too', async () => {
  const { leader } = await cluster.waitForLeader();
  const client = clusterClient(leader.address);
  try {
    for (const peerAddress of ['', 'no-port', '127.0.0.1:99999', 'a b:1']) {
      const e = await call(client.memberAdd.bind(client), { id: 9, peerAddress, learner: true }).then(
        () => null,
        (err: grpc.ServiceError) => err,
      );
      expect(e?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(e?.details).toMatch(/peer_address/);
    }
    const cli = await cluster.ordo(['member', 'add', '9', 'not-an-address']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr + cli.stdout).toMatch(/address/i);
  } finally {
    client.close();
  }
  expect(await memberIds(cluster)).toEqual(THREE);
});

test('a second change while the first is uncommitted is FAILED_PRECONDITION (one at a time, dissertation 4.1)', async () => {
  const { leader } = await cluster.waitForLeader();
  const followers = [1, 2, 3].filter((id) => id !== leader.id);
  const client = clusterClient(leader.address);
  try {
    // With both followers paused, the first change is appended but cannot commit.
    for (const id of followers) cluster.nodeOk('pause', id);
    const first = call<object, MemberChangeResponse__Output>(client.memberAdd.bind(client), { id: 8, peerAddress: '127.0.0.1:1', learner: true }, 2000).catch((e: grpc.ServiceError) => e);
    await new Promise((r) => setTimeout(r, 100));
    const second = await call(client.memberAdd.bind(client), { id: 9, peerAddress: '127.0.0.1:2', learner: true }, 2000).then(
      () => null,
      (e: grpc.ServiceError) => e,
    );
    expect(second?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(second?.details).toMatch(/membership change is in progress/);
    await first;
  } finally {
    for (const id of followers) cluster.nodeOk('resume', id);
    client.close();
  }
  await cluster.waitForLeader({ timeoutMs: 30_000 });
  // Node 9 never made it in; node 8 may have (its change was proposed), as a learner only.
  const after = await memberIds(cluster);
  expect(after.filter(([id]) => id === 9)).toEqual([]);
  expect(after.filter(([id]) => id <= 3)).toEqual(THREE);
});

test('a voter is never promoted before it has caught up: adding a node that is not running leaves a learner', async () => {
  const add = await cluster.ordo(['member', 'add', '6', '127.0.0.1:27018/127.0.0.1:27068', '--deadline-ms', '3000']);
  expect(add.code).not.toBe(0);
  expect(add.stderr).toContain('FAILED_PRECONDITION');
  expect(add.stderr).toMatch(/node 6 was added as a learner but has not caught up .*, so it was not promoted/);
  const promote = await cluster.ordo(['member', 'promote', '6']);
  expect(promote.code).not.toBe(0);
  expect(promote.stderr).toContain('FAILED_PRECONDITION');
  expect(promote.stderr).toMatch(/node 6 has not caught up/);
  const after = await memberIds(cluster);
  expect(after.filter(([id]) => id === 6)).toEqual([[6, 'learner']]);
  expect(after.filter(([id]) => id <= 3)).toEqual(THREE);
});

test('removing the last voter is FAILED_PRECONDITION and the node keeps serving', async () => {
  const r = await single.ordo(['member', 'remove', '1']);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('FAILED_PRECONDITION');
  expect(r.stderr).toMatch(/last voter/);
  expect(await memberIds(single)).toEqual([[1, 'voter']]);
  const put = await single.ordo(['put', 'still', 'serving']);
  expect(put.code).toBe(0);
  const client = clusterClient(single.endpoint(1));
  try {
    const list = await call<object, MemberListResponse__Output>(client.memberList.bind(client), {});
    expect(list.members.map((m) => m.id)).toEqual([1]);
  } finally {
    client.close();
  }
});
