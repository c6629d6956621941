/**
 * Histories as transcripts, one event per line:
 *   <process> <invoke|ok|fail|info> <f> [key=K] [JSON value]
 * e.g. `1 invoke write 3`, `2 ok read null`, `3 invoke append key=x "ab"`, `4 ok read-range [0,"a"]`.
 * Blank lines and `#` comments are skipped. Event order = line order.
 */

import {
  checkHistory,
  HistoryError,
  pairEvents,
  type CheckOptions,
  type CheckResult,
  type EventType,
  type HistoryEvent,
  type Json,
  type Model,
} from '../../src/check';

export function transcript(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const m = /^(\S+)\s+(invoke|ok|fail|info)\s+(\S+)(?:\s+key=(\S+))?(?:\s+(.*))?$/.exec(line);
    if (m === null) throw new HistoryError(`bad transcript line ${JSON.stringify(raw)}`, i + 1);
    const process = /^\d+$/.test(m[1]) ? Number(m[1]) : m[1];
    const value = m[5] === undefined ? null : (JSON.parse(m[5]) as Json);
    const event: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = { process, type: m[2] as EventType, f: m[3], value, line: i + 1 };
    if (m[4] !== undefined) event.key = m[4];
    events.push(event);
  });
  return events;
}

export function check<S, I, O>(model: Model<S, I, O>, text: string, options?: CheckOptions): CheckResult<S, I, O> {
  return checkHistory(model, pairEvents(transcript(text)), options);
}

export function verdictOf<S, I, O>(model: Model<S, I, O>, text: string, options?: CheckOptions): string {
  return check(model, text, options).verdict;
}
