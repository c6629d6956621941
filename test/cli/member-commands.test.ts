import * as grpc from '@grpc/grpc-js';
import { OrdoError } from '../../src/client/client';
import { failureMessage, memberListJson, memberTable, parseMemberAddress, parseMemberId } from '../../src/cli/member-commands';
import type { Member__Output } from '../../src/generated/ordo/v1/Member';

const member = (id: number, role: string, isLeader = false, clientAddress = `127.0.0.1:${7099 + id}`): Member__Output => ({
  id,
  role,
  isLeader,
  clientAddress,
  peerAddress: `127.0.0.1:${7149 + id}`,
  matchIndex: 0,
});

describe('parseMemberId', () => {
  test.each([
    ['1', 1],
    ['4', 4],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('%s is %d', (text, id) => expect(parseMemberId(text)).toBe(id));

  test.each(['0', '-1', '', 'x', '4.0', '1e3', '0x10', '+4', ' 4', '04', '9007199254740992'])('"%s" is refused, quoted', (text) => {
    expect(() => parseMemberId(text)).toThrow(`member id must be a positive integer, got "${text}"`);
  });
});

describe('parseMemberAddress', () => {
  test('peerHost:port alone: no client address', () => {
    expect(parseMemberAddress('127.0.0.1:7153')).toEqual({ clientAddress: '', peerAddress: '127.0.0.1:7153' });
  });

  test('clientHost:port/peerHost:port, as in ordo server --members', () => {
    expect(parseMemberAddress('node4.local:7103/10.0.0.4:7153')).toEqual({ clientAddress: 'node4.local:7103', peerAddress: '10.0.0.4:7153' });
  });

  test('ports 1 and 65535 are the bounds; leading zeros are read as the number', () => {
    expect(parseMemberAddress('h:1/h:65535')).toEqual({ clientAddress: 'h:1', peerAddress: 'h:65535' });
    expect(parseMemberAddress('h:07153').peerAddress).toBe('h:7153');
  });

  test.each(['', 'host', 'host:', ':7100', 'host:port', 'a:1/b:2/c:3', 'a:1/', '/a:1', 'a:1//b:2', 'id=a:1/b:2', 'a b:1', '::1:7100', 'a:1,b:2', 'h:123456'])(
    '"%s" is refused naming both forms',
    (text) => {
      expect(() => parseMemberAddress(text)).toThrow(`member address must be peerHost:port or clientHost:port/peerHost:port, got "${text}"`);
    },
  );

  test.each([
    ['h:0', '0'],
    ['h:65536', '65536'],
    ['h:7100/h:99999', '99999'],
  ])('"%s": port %s is out of range', (text, port) => {
    expect(() => parseMemberAddress(text)).toThrow(`port ${port} in member address "${text}" is not in 1..65535`);
  });
});

describe('memberListJson (the `member list --json` contract)', () => {
  test('exactly members, leaderId and configIndex; members by id with exactly five fields', () => {
    const json = memberListJson({ members: [member(3, 'learner'), member(1, 'voter', true), member(2, 'voter')], leaderId: 1, configIndex: 42, commitIndex: 57 });
    expect(json).toEqual({
      members: [
        { id: 1, role: 'voter', clientAddress: '127.0.0.1:7100', peerAddress: '127.0.0.1:7150', isLeader: true },
        { id: 2, role: 'voter', clientAddress: '127.0.0.1:7101', peerAddress: '127.0.0.1:7151', isLeader: false },
        { id: 3, role: 'learner', clientAddress: '127.0.0.1:7102', peerAddress: '127.0.0.1:7152', isLeader: false },
      ],
      leaderId: 1,
      configIndex: 42,
    });
    expect(Object.keys(json)).toEqual(['members', 'leaderId', 'configIndex']);
    expect(Object.keys(JSON.parse(JSON.stringify(json)).members[0])).toEqual(['id', 'role', 'clientAddress', 'peerAddress', 'isLeader']);
  });

  test('an unknown leader (0 on the wire) is null', () => {
    expect(memberListJson({ members: [member(1, 'voter')], leaderId: 0, configIndex: 1, commitIndex: 1 }).leaderId).toBeNull();
  });
});

describe('memberTable', () => {
  test('a header, then one aligned row per member by id; * marks the leader, - a missing client address', () => {
    expect(memberTable([member(2, 'voter', true), member(10, 'learner', false, ''), member(1, 'voter')])).toEqual([
      'ID  ROLE     CLIENT          PEER            LEADER',
      '1   voter    127.0.0.1:7100  127.0.0.1:7150',
      '2   voter    127.0.0.1:7101  127.0.0.1:7151  *',
      '10  learner  -               127.0.0.1:7159',
    ]);
  });
});

describe('failureMessage', () => {
  test('the status by name, then the server message as is', () => {
    expect(failureMessage(new OrdoError(grpc.status.ALREADY_EXISTS, 'member 4 already exists'), true)).toBe('ALREADY_EXISTS: member 4 already exists');
    expect(failureMessage(new OrdoError(grpc.status.FAILED_PRECONDITION, 'a configuration change is pending'), true)).toBe(
      'FAILED_PRECONDITION: a configuration change is pending',
    );
  });

  test('a change that ran out of time may have been made: say where to look', () => {
    const e = new OrdoError(grpc.status.DEADLINE_EXCEEDED, 'no answer within 10000 ms');
    expect(failureMessage(e, true)).toBe('DEADLINE_EXCEEDED: no answer within 10000 ms\nthe change may have been made anyway: see `ordo member list`');
    expect(failureMessage(e, false)).toBe('DEADLINE_EXCEEDED: no answer within 10000 ms');
  });
});
