/**
 * The core's new vocabulary crosses the peer wire unchanged: InstallSnapshot (metadata with the
 * configuration), InstallSnapshotResp and 'config' entries, through the real protobuf encoding
 * of proto/raft.proto with the loader options the transport uses.
 */
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { RaftMessage__Output } from '../../src/generated/ordo/raft/v1/RaftMessage';
import { encodeConfigEntry, makeConfig } from '../../src/raft/core/membership';
import type { Message } from '../../src/raft/core/types';
import { decodeMessage, encodeMessage } from '../../src/raft/transport/codec';

const def = protoLoader.loadSync(join(__dirname, '../../proto/raft.proto'), { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
const wire = def['ordo.raft.v1.RaftMessage'] as protoLoader.MessageTypeDefinition<object, object>;

function roundTrip(m: Message): Message {
  const bytes = wire.serialize(encodeMessage(m));
  return decodeMessage(wire.deserialize(bytes) as RaftMessage__Output);
}

describe('peer wire codec', () => {
  it('InstallSnapshot carries the snapshot metadata and its configuration', () => {
    const m: Message = { type: 'InstallSnapshot', from: 1, to: 4, term: 7, snapshot: { index: 1234, term: 6, config: makeConfig([1, 2, 3], [4, 5]) } };
    expect(roundTrip(m)).toEqual(m);
  });

  it('InstallSnapshotResp carries the index', () => {
    const m: Message = { type: 'InstallSnapshotResp', from: 4, to: 1, term: 7, index: 1234 };
    expect(roundTrip(m)).toEqual(m);
  });

  it('config entries keep their type in AppendEntries', () => {
    const data = encodeConfigEntry({ type: 'addLearner', id: 4 }, makeConfig([1, 2, 3], [4]));
    const m: Message = {
      type: 'AppendEntries',
      from: 1,
      to: 2,
      term: 3,
      prevLogIndex: 9,
      prevLogTerm: 3,
      leaderCommit: 9,
      entries: [
        { index: 10, term: 3, type: 'config', data },
        { index: 11, term: 3, type: 'noop', data: new Uint8Array(0) },
        { index: 12, term: 3, type: 'normal', data: new Uint8Array([1, 2]) },
      ],
    };
    const back = roundTrip(m);
    expect(back.type === 'AppendEntries' && back.entries.map((e) => [e.type, Buffer.from(e.data).toString('hex')])).toEqual(
      m.entries.map((e) => [e.type, Buffer.from(e.data).toString('hex')]),
    );
  });
});
