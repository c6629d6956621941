/**
 * `ordo member list|add|promote|remove`: the cluster's membership (service Cluster in
 * proto/kv.proto). Changes go to the leader, one at a time; how the client retries them and why
 * that is safe is told at OrdoClient.memberChange.
 */
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { OrdoClient, OrdoError } from '../client/client';
import type { Member__Output } from '../generated/ordo/v1/Member';
import type { MemberChangeResponse__Output } from '../generated/ordo/v1/MemberChangeResponse';
import type { MemberListResponse__Output } from '../generated/ordo/v1/MemberListResponse';
import { parseHostPort } from '../host-port';
import { columns, run } from './client-commands';

const ADDRESS_FORMS = 'peerHost:port or clientHost:port/peerHost:port';

/** A member id as typed: digits only, so "1e3", "0x10" or "4.0" are refused rather than read as numbers. */
export function parseMemberId(text: string): number {
  const id = Number(text);
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(id)) throw new Error(`member id must be a positive integer, got "${text}"`);
  return id;
}

/**
 * ADDRESS of `member add`, in the form `ordo server --members` takes after `id=`: the peer address
 * alone, or client/peer. The client address is '' when not given (clients are then never
 * redirected to the new member). Hosts cannot hold ':' (as in --members: no IPv6 literals).
 */
export function parseMemberAddress(text: string): { clientAddress: string; peerAddress: string } {
  const parts = text.split('/');
  if (parts.length > 2) throw new Error(`member address must be ${ADDRESS_FORMS}, got "${text}"`);
  const [first, second] = parts.map((part) => hostPort(part, text));
  return second === undefined ? { clientAddress: '', peerAddress: first } : { clientAddress: first, peerAddress: second };
}

function hostPort(part: string, whole: string): string {
  const parsed = parseHostPort(part);
  if (parsed.ok) return `${parsed.host}:${parsed.port}`;
  if (parsed.badPort !== undefined) throw new Error(`port ${parsed.badPort} in member address "${whole}" is not in 1..65535`);
  throw new Error(`member address must be ${ADDRESS_FORMS}, got "${whole}"`);
}

/** The `member list --json` object (a contract: scripts read it). */
export interface MemberListJson {
  members: { id: number; role: string; clientAddress: string; peerAddress: string; isLeader: boolean }[];
  leaderId: number | null;
  configIndex: number;
}

export function memberListJson(r: MemberListResponse__Output): MemberListJson {
  return {
    members: byId(r.members).map((m) => ({ id: m.id, role: m.role, clientAddress: m.clientAddress, peerAddress: m.peerAddress, isLeader: m.isLeader })),
    leaderId: r.leaderId || null, // 0 on the wire: the member that answered knows no leader
    configIndex: r.configIndex,
  };
}

export function memberTable(members: readonly Member__Output[]): string[] {
  const rows = byId(members).map((m) => [String(m.id), m.role, m.clientAddress || '-', m.peerAddress, m.isLeader ? '*' : '']);
  return columns(['ID', 'ROLE', 'CLIENT', 'PEER', 'LEADER'], rows);
}

function byId(members: readonly Member__Output[]): Member__Output[] {
  return [...members].sort((a, b) => a.id - b.id);
}

/**
 * What the CLI prints for a failed call: the gRPC status by name, then the server's message as
 * is. A change that ran out of time may have been made anyway (or still be under way), so the
 * message says how to find out rather than let a retry be refused as a duplicate unexplained.
 */
export function failureMessage(e: OrdoError, isChange: boolean): string {
  const text = `${grpc.status[e.code] ?? `status ${e.code}`}: ${e.message}`;
  return isChange && e.code === grpc.status.DEADLINE_EXCEEDED ? `${text}\nthe change may have been made anyway: see \`ordo member list\`` : text;
}

function runMember(cmd: Command, isChange: boolean, body: (c: OrdoClient) => Promise<void>): Promise<void> {
  return run(cmd, async (c) => {
    try {
      await body(c);
      return 0;
    } catch (e) {
      throw e instanceof OrdoError ? new Error(failureMessage(e, isChange)) : e;
    }
  });
}

function printMembers(r: { members: readonly Member__Output[] }): void {
  for (const line of memberTable(r.members)) console.log(line);
}

export function registerMemberCommands(program: Command): void {
  const member = program.command('member').description('list the members, add, promote and remove them (changes go to the leader, one at a time)');

  member
    .command('list')
    .description('every member: id, role (voter | learner), client and peer address; * marks the leader')
    .option('--json', 'print one JSON object {members: [{id, role, clientAddress, peerAddress, isLeader}], leaderId, configIndex}')
    .action((o: { json?: boolean }, cmd: Command) =>
      runMember(cmd, false, async (c) => {
        const r = await c.memberList();
        if (o.json) console.log(JSON.stringify(memberListJson(r)));
        else printMembers(r);
      }),
    );

  member
    .command('add <id> <address>')
    .description(`add a member at ADDRESS (${ADDRESS_FORMS}); prints the resulting members`)
    .option('--learner', 'add it as a learner and leave it one until `member promote` (default: the server promotes it once caught up, within --deadline-ms)')
    .action((id: string, address: string, o: { learner?: boolean }, cmd: Command) =>
      runMember(cmd, true, async (c) => {
        const m = { id: parseMemberId(id), ...parseMemberAddress(address), learner: Boolean(o.learner) };
        printMembers(await c.memberAdd(m));
      }),
    );

  changeById(member, 'promote', 'make a caught-up learner a voter', (c, id) => c.memberPromote(id));
  changeById(member, 'remove', 'remove a member', (c, id) => c.memberRemove(id));
}

/** `member promote|remove <id>`: one change named by id, then the resulting members. */
function changeById(member: Command, name: string, what: string, change: (c: OrdoClient, id: number) => Promise<MemberChangeResponse__Output>): void {
  member
    .command(`${name} <id>`)
    .description(`${what}; prints the resulting members`)
    .action((id: string, _o: object, cmd: Command) =>
      runMember(cmd, true, async (c) => {
        printMembers(await change(c, parseMemberId(id)));
      }),
    );
}
