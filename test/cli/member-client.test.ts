/**
 * OrdoClient's membership calls against fake Cluster services in this process: leader-following,
 * and how a retry of a change whose first answer was lost is resolved (OrdoClient.memberChange).
 */
import * as grpc from '@grpc/grpc-js';
import { OrdoClient, OrdoError } from '../../src/client/client';
import type { ClusterHandlers } from '../../src/generated/ordo/v1/Cluster';
import type { Member } from '../../src/generated/ordo/v1/Member';
import { kvProto } from '../../src/rpc/proto';
import { LEADER_ADDRESS_KEY } from '../../src/server/grpc-errors';

type Reply = Parameters<ClusterHandlers['MemberAdd']>[1];
type Change = (id: number, reply: Reply) => void;

const voter = (id: number): Member => ({ id, role: 'voter', clientAddress: `c${id}:1`, peerAddress: `p${id}:1` });

/** One fake node: MemberList from `members`; each change handled by the next of `changes`, in order. */
class FakeNode {
  readonly server = new grpc.Server();
  address = '';
  calls = 0;

  constructor(
    private readonly members: Member[],
    private readonly changes: Change[],
  ) {
    const change = (call: { request: { id: number } }, reply: Reply) => {
      const handle = this.changes[this.calls++];
      if (!handle) throw new Error(`unexpected change call ${this.calls}`);
      handle(call.request.id, reply);
    };
    const handlers: Partial<ClusterHandlers> = {
      MemberList: (_call, cb) => cb(null, { members: this.members, leaderId: 1, configIndex: 7, commitIndex: 9 }),
      MemberAdd: change,
      MemberPromote: change,
      MemberRemove: change,
    };
    this.server.addService(kvProto().ordo.v1.Cluster.service, handlers as ClusterHandlers);
  }

  async start(): Promise<this> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    this.address = `127.0.0.1:${port}`;
    return this;
  }
}

const nodes: FakeNode[] = [];
const clients: OrdoClient[] = [];

async function fake(members: Member[], changes: Change[]): Promise<FakeNode> {
  const n = await new FakeNode(members, changes).start();
  nodes.push(n);
  return n;
}

function client(endpoints: string[]): OrdoClient {
  const c = new OrdoClient(endpoints, { deadlineMs: 3000, attemptTimeoutMs: 200 });
  clients.push(c);
  return c;
}

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  nodes.splice(0).forEach((n) => n.server.forceShutdown());
});

/** A follower's answer to a change: UNAVAILABLE, naming the leader. */
const redirectTo = (leader: FakeNode): Change => (_id, reply) => {
  const metadata = new grpc.Metadata();
  metadata.set(LEADER_ADDRESS_KEY, leader.address);
  reply({ code: grpc.status.UNAVAILABLE, details: 'not the leader', metadata });
};
const refuse = (code: grpc.status, details: string): Change => (_id, reply) => reply({ code, details });
/** Makes the change, then answers too late: the client's attempt times out first. */
const applyButLoseAnswer = (apply: (id: number) => void): Change => (id, reply) => {
  apply(id);
  setTimeout(() => reply({ code: grpc.status.DEADLINE_EXCEEDED, details: 'too late' }), 400);
};

test('a follower naming the leader: the change goes there', async () => {
  const members = [voter(1), voter(2)];
  const leader = await fake(members, [(id, reply) => reply(null, { members: [...members, { ...voter(id), role: 'learner' }], configIndex: 8 })]);
  const follower = await fake(members, [redirectTo(leader)]);
  const r = await client([follower.address]).memberAdd({ id: 3, peerAddress: 'p3:1', clientAddress: '', learner: true });
  expect(r.members.map((m) => [m.id, m.role])).toEqual([[1, 'voter'], [2, 'voter'], [3, 'learner']]);
  expect([follower.calls, leader.calls]).toEqual([1, 1]);
});

test('a refusal after a redirect stands: the redirect was a definite "not here"', async () => {
  const members = [voter(1), voter(2), voter(3)];
  const leader = await fake(members, [refuse(grpc.status.ALREADY_EXISTS, 'member 3 already exists')]);
  const follower = await fake(members, [redirectTo(leader)]);
  const add = client([follower.address]).memberAdd({ id: 3, peerAddress: 'p3:1', clientAddress: '', learner: true });
  await expect(add).rejects.toEqual(new OrdoError(grpc.status.ALREADY_EXISTS, 'member 3 already exists'));
});

test('a refusal on the first attempt stands, though the membership shows the member', async () => {
  const leader = await fake([voter(1), voter(3)], [refuse(grpc.status.ALREADY_EXISTS, 'member 3 already exists')]);
  const add = client([leader.address]).memberAdd({ id: 3, peerAddress: 'p3:1', clientAddress: '', learner: true });
  await expect(add).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS });
});

test('add: the first answer lost, the retry refused as a duplicate: the membership shows it made, so it succeeds', async () => {
  const members = [voter(1)];
  const leader = await fake(members, [
    applyButLoseAnswer((id) => members.push({ ...voter(id), role: 'learner' })),
    refuse(grpc.status.ALREADY_EXISTS, 'member 2 already exists'),
  ]);
  const r = await client([leader.address]).memberAdd({ id: 2, peerAddress: 'p2:1', clientAddress: 'c2:1', learner: true });
  expect(r.members.map((m) => [m.id, m.role])).toEqual([[1, 'voter'], [2, 'learner']]);
  expect(r.configIndex).toBe(7); // the membership's, as listed
  expect(leader.calls).toBe(2);
});

test('add: a duplicate refusal after a lost answer stands when the member there is not the one asked for', async () => {
  const members = [voter(1), { ...voter(2), peerAddress: 'elsewhere:1' }];
  const leader = await fake(members, [applyButLoseAnswer(() => undefined), refuse(grpc.status.ALREADY_EXISTS, 'member 2 already exists')]);
  const add = client([leader.address]).memberAdd({ id: 2, peerAddress: 'p2:1', clientAddress: '', learner: true });
  await expect(add).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS, message: 'member 2 already exists' });
});

test('remove: the first answer lost, the retry NOT_FOUND: the member is gone, so it succeeds', async () => {
  const members = [voter(1), voter(2), voter(3)];
  const leader = await fake(members, [applyButLoseAnswer((id) => members.splice(members.findIndex((m) => m.id === id), 1)), refuse(grpc.status.NOT_FOUND, 'member 3 not found')]);
  const r = await client([leader.address]).memberRemove(3);
  expect(r.members.map((m) => m.id)).toEqual([1, 2]);
  expect(leader.calls).toBe(2);
});

test('promote: the first answer lost, the change still pending: the FAILED_PRECONDITION stands', async () => {
  const members = [voter(1), { ...voter(2), role: 'learner' }];
  const leader = await fake(members, [applyButLoseAnswer(() => undefined), refuse(grpc.status.FAILED_PRECONDITION, 'a configuration change is pending')]);
  await expect(client([leader.address]).memberPromote(2)).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION, message: 'a configuration change is pending' });
});

test('add without --learner: one attempt gets the whole deadline (the leader holds it until the promotion)', async () => {
  const members = [voter(1)];
  const leader = await fake(members, [(id, reply) => setTimeout(() => reply(null, { members: [...members, voter(id)], configIndex: 9 }), 600)]);
  const r = await client([leader.address]).memberAdd({ id: 2, peerAddress: 'p2:1', clientAddress: 'c2:1', learner: false });
  expect(r.members.map((m) => [m.id, m.role])).toEqual([[1, 'voter'], [2, 'voter']]);
  expect(leader.calls).toBe(1);
});
