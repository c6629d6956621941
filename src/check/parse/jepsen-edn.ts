/**
 * Jepsen histories in EDN: a sequence of maps (one per line, as in Porcupine's kv data, or inside
 * one top-level vector), e.g.
 *   {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y", :time 123}
 * Fields read: :process (events of a non-numeric process such as :nemesis are skipped), :type,
 * :f, :key (string or number), :value, :time (ns). Other fields are ignored.
 * The EDN reader covers what histories use: nil, booleans, numbers, strings, keywords, symbols,
 * vectors, lists, sets, maps, `;` comments, `#_` discard and tagged literals (the tag is dropped).
 * Keywords become strings with their colon (`:timed-out`); map keys are rendered the same way.
 */

import { HistoryError, type EventType, type HistoryEvent, type Json } from '../history';

/** Nesting depth bound: a history is flat; deep nesting is malformed input. */
const DEPTH_MAX = 64;
const DELIMITERS = new Set(['{', '}', '[', ']', '(', ')', '"', ';']);

class EdnReader {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** Top-level forms, each with the line it starts on. */
  readAll(): { value: Json; line: number }[] {
    const forms: { value: Json; line: number }[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) return forms;
      const line = this.line;
      forms.push({ value: this.read(0), line });
    }
  }

  private fail(message: string): never {
    throw new HistoryError(`EDN: ${message}`, this.line);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '\n') this.line += 1;
      if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos += 1;
      } else if (c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        this.pos += 1;
      } else {
        return;
      }
    }
  }

  private read(depth: number): Json {
    if (depth > DEPTH_MAX) this.fail(`nested deeper than ${DEPTH_MAX}`);
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of input');
    switch (c) {
      case '{':
        return this.readMap(depth);
      case '[':
        return this.readSeq(']', depth);
      case '(':
        return this.readSeq(')', depth);
      case '"':
        return this.readString();
      case '#':
        return this.readDispatch(depth);
      case '}':
      case ']':
      case ')':
        return this.fail(`unexpected ${c}`);
      default:
        return this.readAtom();
    }
  }

  private readDispatch(depth: number): Json {
    this.pos += 1;
    const c = this.text[this.pos];
    if (c === '{') return this.readSeq('}', depth);
    if (c === '_') {
      this.pos += 1;
      this.read(depth + 1);
      return this.read(depth);
    }
    this.readAtom(); // the tag: #inst "..." reads as its value
    return this.read(depth + 1);
  }

  private readSeq(close: string, depth: number): Json[] {
    this.pos += 1;
    const items: Json[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`missing ${close}`);
      if (this.text[this.pos] === close) {
        this.pos += 1;
        return items;
      }
      items.push(this.read(depth + 1));
    }
  }

  private readMap(depth: number): { [k: string]: Json } {
    const items = this.readSeq('}', depth);
    if (items.length % 2 !== 0) this.fail('a map needs an even number of forms');
    const map: { [k: string]: Json } = {};
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      map[typeof k === 'string' ? k : JSON.stringify(k)] = items[i + 1];
    }
    return map;
  }

  private readString(): string {
    const t = this.text;
    let out = '';
    this.pos += 1;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t[this.pos];
      this.pos += 1;
      if (c === '"') return out;
      if (c === '\n') this.line += 1;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos];
      this.pos += 1;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(t.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else this.fail(`bad escape \\${e ?? ''}`);
    }
  }

  private readAtom(): Json {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && !/[\s,]/.test(t[this.pos]) && !DELIMITERS.has(t[this.pos])) this.pos += 1;
    const tok = t.slice(start, this.pos);
    if (tok === '') this.fail(`unexpected ${t[this.pos]}`);
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (/^[+-]?\d+N?$/.test(tok)) return Number(tok.replace(/N$/, ''));
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(tok)) return Number(tok.replace(/M$/, ''));
    return tok; // keyword (with its colon) or symbol
  }
}

const TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];

function keyword(v: Json | undefined, field: string, line: number | undefined): string {
  if (typeof v === 'string' && v.startsWith(':') && v.length > 1) return v.slice(1);
  throw new HistoryError(`${field} must be a keyword, got ${JSON.stringify(v ?? null)}`, line);
}

/** `line` undefined: the event sits inside a top-level vector (its line is not tracked). */
function toEvent(form: Json, line: number | undefined): HistoryEvent | undefined {
  if (form === null || typeof form !== 'object' || Array.isArray(form)) {
    throw new HistoryError('expected a map per event', line);
  }
  const m = form as { readonly [k: string]: Json };
  const process = m[':process'];
  if (typeof process !== 'number') return undefined; // :nemesis and other non-client processes
  const type = keyword(m[':type'], ':type', line);
  if (!(TYPES as readonly string[]).includes(type)) throw new HistoryError(`unknown :type :${type}`, line);
  const event: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = {
    process,
    type: type as EventType,
    f: keyword(m[':f'], ':f', line),
    value: m[':value'] ?? null,
  };
  if (line !== undefined) event.line = line;
  const key = m[':key'];
  if (typeof key === 'string' || typeof key === 'number') event.key = String(key);
  else if (key !== undefined && key !== null) throw new HistoryError(':key must be a string or a number', line);
  const time = m[':time'];
  if (typeof time === 'number') event.timeNs = time;
  return event;
}

export function parseJepsenEdn(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const { value, line } of new EdnReader(text).readAll()) {
    const inVector = Array.isArray(value);
    for (const form of inVector ? (value as readonly Json[]) : [value]) {
      const e = toEvent(form, inVector ? undefined : line);
      if (e !== undefined) events.push(e);
    }
  }
  return events;
}
