/** Parsers (jepsen-etcd, jepsen-edn, jsonl), format detection and pairing of calls with completions. */

import {
  detectFormat,
  formatJsonl,
  HistoryError,
  pairEvents,
  parseEvents,
  parseHistory,
  parseJepsenEdn,
  parseJepsenEtcd,
  parseJsonl,
  type HistoryEvent,
} from '../../src/check';

describe('jepsen-etcd', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 0\t:ok\t:read\tnil',
    'some other line, ignored',
    'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]',
    'INFO  jepsen.util - 2\t:invoke\t:write\t4',
    'INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]',
    'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
  ].join('\n');

  test('events with values: nil, integers, [FROM TO], keywords; other lines ignored', () => {
    const events = parseJepsenEtcd(log);
    expect(events.map((e) => [e.process, e.type, e.f, e.value, e.line])).toEqual([
      [0, 'invoke', 'read', null, 1],
      [0, 'ok', 'read', null, 2],
      [1, 'invoke', 'cas', [3, 0], 4],
      [2, 'invoke', 'write', 4, 5],
      [1, 'fail', 'cas', [3, 0], 6],
      [2, 'info', 'write', ':timed-out', 7],
      [3, 'invoke', 'read', null, 8],
      [3, 'fail', 'read', ':timed-out', 9],
    ]);
    expect(detectFormat(log)).toBe('jepsen-etcd');
  });

  test('paired operations: info returns at infinity, fail at its line', () => {
    const ops = parseHistory(log);
    expect(ops.map((o) => [o.process, o.f, o.completion, o.callEvent, o.returnEvent])).toEqual([
      [0, 'read', 'ok', 0, 1],
      [1, 'cas', 'fail', 2, 4],
      [2, 'write', 'info', 3, Infinity],
      [3, 'read', 'fail', 6, 7],
    ]);
    expect(ops[2].returnLine).toBe(7);
  });

  test('an unreadable value is an error with its line', () => {
    expect(() => parseJepsenEtcd('INFO  jepsen.util - 0\t:invoke\t:write\t{x}')).toThrow(/line 1: cannot read value/);
  });
});

describe('jepsen-edn', () => {
  test('one map per line, as in the kv histories', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "9", :value nil}',
      '{:process :nemesis, :type :info, :f :start, :value nil}',
      '{:process 1, :type :ok, :f :get, :key "9", :value "a\\"b", :time 123}',
    ].join('\n');
    expect(detectFormat(text)).toBe('jepsen-edn');
    const events = parseJepsenEdn(text);
    expect(events).toEqual([
      { process: 0, type: 'invoke', f: 'append', key: '0', value: 'x 0 0 y', line: 1 },
      { process: 0, type: 'ok', f: 'append', key: '0', value: 'x 0 0 y', line: 2 },
      { process: 1, type: 'invoke', f: 'get', key: '9', value: null, line: 3 },
      { process: 1, type: 'ok', f: 'get', key: '9', value: 'a"b', timeNs: 123, line: 5 },
    ]);
  });

  test('a top-level vector of maps, comments, sets, tagged literals, numeric keys', () => {
    const text = `; a comment
      [{:process 0 :type :invoke :f :write :key 3 :value [1 2.5 #{:a} (x)] :meta #inst "2020"}
       #_ {:ignored true}
       {:process 0 :type :ok :f :write :key 3 :value nil}]`;
    const events = parseJepsenEdn(text);
    expect(events).toEqual([
      { process: 0, type: 'invoke', f: 'write', key: '3', value: [1, 2.5, [':a'], ['x']] },
      { process: 0, type: 'ok', f: 'write', key: '3', value: null },
    ]);
  });

  test('malformed EDN is an error with its line', () => {
    expect(() => parseJepsenEdn('{:process 0, :type :invoke\n :f :get')).toThrow(HistoryError);
    expect(() => parseJepsenEdn('{:process 0 :type :weird :f :get}')).toThrow(/unknown :type :weird/);
    expect(() => parseJepsenEdn('{:a 1 :b}')).toThrow(/even number/);
  });
});

describe('jsonl', () => {
  const events: HistoryEvent[] = [
    { process: 3, type: 'invoke', f: 'put', key: 'k', value: 'v', timeNs: 10 },
    { process: 'c', type: 'invoke', f: 'read-range', value: [0, null] },
    { process: 3, type: 'ok', f: 'put', key: 'k', value: 'v', timeNs: 20 },
    { process: 'c', type: 'info', f: 'read-range', value: null },
  ];

  test('round-trips through formatJsonl, with line numbers', () => {
    const text = formatJsonl(events);
    expect(detectFormat(text)).toBe('jsonl');
    expect(parseJsonl(`\n${text}`)).toEqual(events.map((e, i) => ({ ...e, line: i + 2 })));
  });

  test('value defaults to null; numeric keys become strings', () => {
    expect(parseJsonl('{"process":1,"type":"invoke","f":"get","key":7}')).toEqual([{ process: 1, type: 'invoke', f: 'get', key: '7', value: null, line: 1 }]);
  });

  test('bad lines are errors with their line', () => {
    expect(() => parseJsonl('{"process":1,"type":"invoke","f":"get"}\nnot json')).toThrow(/line 2: invalid JSON/);
    expect(() => parseJsonl('{"process":1,"type":"done","f":"get"}')).toThrow(/"type" must be/);
    expect(() => parseJsonl('{"type":"ok","f":"get"}')).toThrow(/"process"/);
    expect(() => parseJsonl('{"process":1,"type":"ok","f":"get","time":"x"}')).toThrow(/"time"/);
  });
});

describe('format detection', () => {
  test('unknown or empty content is refused', () => {
    expect(() => detectFormat('')).toThrow(/empty/);
    expect(() => detectFormat('hello')).toThrow(/--format/);
  });

  test('an explicit format overrides detection', () => {
    const line = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil';
    expect(parseEvents(line).length).toBe(1);
    expect(() => parseEvents(line, 'jsonl')).toThrow(/invalid JSON/);
  });
});

describe('pairing calls with completions', () => {
  const ev = (process: number, type: HistoryEvent['type'], f: string, value: HistoryEvent['value'] = null): HistoryEvent => ({ process, type, f, value });

  test('ids in call order; a call without completion never returns', () => {
    const ops = pairEvents([ev(1, 'invoke', 'write', 1), ev(2, 'invoke', 'read'), ev(2, 'ok', 'read', 1)]);
    expect(ops.map((o) => [o.id, o.process, o.completion, o.completeValue, o.returnEvent])).toEqual([
      [0, 1, 'none', undefined, Infinity],
      [1, 2, 'ok', 1, 2],
    ]);
  });

  test('malformed pairings are errors', () => {
    expect(() => pairEvents([ev(1, 'ok', 'read')])).toThrow(/without a call/);
    expect(() => pairEvents([ev(1, 'invoke', 'read'), ev(1, 'invoke', 'read')])).toThrow(/in flight/);
    expect(() => pairEvents([ev(1, 'invoke', 'read'), ev(1, 'ok', 'write')])).toThrow(/does not match/);
  });
});
