/**
 * Jepsen's etcd test log (as in Porcupine's test data), one event per line:
 *   INFO  jepsen.util - <process> <:invoke|:ok|:fail|:info> <:read|:write|:cas> <value>
 * Values: nil, an integer, [FROM TO], or a keyword such as :timed-out. Other lines are ignored.
 * `:fail :read :timed-out` is a read with unknown result (kept as a `fail` read, which the
 * register model reads that way); `:info` lines are unknown outcomes.
 */

import { HistoryError, type EventType, type HistoryEvent, type Json } from '../history';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:([a-z][\w-]*)\s+(.*?)\s*$/;

function parseValue(text: string, line: number): Json {
  if (text === 'nil' || text === '') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text.startsWith(':')) return text;
  const vector = /^\[(.*)\]$/.exec(text);
  if (vector !== null) {
    const items = vector[1].trim();
    return items === '' ? [] : items.split(/[\s,]+/).map((t) => parseValue(t, line));
  }
  throw new HistoryError(`cannot read value ${JSON.stringify(text)}`, line);
}

export function parseJepsenEtcd(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = LINE.exec(raw);
    if (m === null) return;
    const line = i + 1;
    events.push({ process: Number(m[1]), type: m[2] as EventType, f: m[3], value: parseValue(m[4], line), line });
  });
  return events;
}
