/**
 * ordo's history format: one JSON object per line (blank lines skipped), event order = line
 * order. See src/check/README.md for the fields and the values each model expects.
 */

import { HistoryError, type EventType, type HistoryEvent, type Json } from '../history';

const TYPES: readonly string[] = ['invoke', 'ok', 'fail', 'info'];

function toEvent(v: Json, line: number): HistoryEvent {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HistoryError('expected a JSON object', line);
  const o = v as { readonly [k: string]: Json };
  const { process, type, f, key, value, time } = o;
  if (typeof process !== 'number' && typeof process !== 'string') throw new HistoryError('"process" must be a number or a string', line);
  if (typeof type !== 'string' || !TYPES.includes(type)) throw new HistoryError('"type" must be "invoke", "ok", "fail" or "info"', line);
  if (typeof f !== 'string' || f === '') throw new HistoryError('"f" must be a non-empty string', line);
  const event: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = { process, type: type as EventType, f, value: value ?? null, line };
  if (typeof key === 'string' || typeof key === 'number') event.key = String(key);
  else if (key !== undefined && key !== null) throw new HistoryError('"key" must be a string or a number', line);
  if (typeof time === 'number') event.timeNs = time;
  else if (time !== undefined && time !== null) throw new HistoryError('"time" must be a number (ns)', line);
  return event;
}

export function parseJsonl(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let v: Json;
    try {
      v = JSON.parse(raw) as Json;
    } catch (e) {
      throw new HistoryError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, i + 1);
    }
    events.push(toEvent(v, i + 1));
  });
  return events;
}

/** The inverse, one line per event (for tools that record histories). */
export function formatJsonl(events: readonly HistoryEvent[]): string {
  return events
    .map((e) => {
      const o: { [k: string]: Json } = { process: e.process, type: e.type, f: e.f };
      if (e.key !== undefined) o['key'] = e.key;
      o['value'] = e.value;
      if (e.timeNs !== undefined) o['time'] = e.timeNs;
      return `${JSON.stringify(o)}\n`;
    })
    .join('');
}
