/**
 * The derived view of the example: per-user counts of unread messages, folded from the events of
 * one topic, and its durable home (a JSON file holding the counts *and* the offset of the next
 * record to consume, replaced atomically). Shared by producer.ts, consumer.ts, replay.ts and the
 * end-to-end test.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A message was sent to `to`: one more unread message for them. */
export interface MessageSent {
  readonly type: 'message-sent';
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/** `user` read one of their messages: one fewer unread (never below zero). */
export interface MessageRead {
  readonly type: 'message-read';
  readonly user: string;
}

export type MessageEvent = MessageSent | MessageRead;

/** Unread count per user; users at zero are left out, so equal views are equal objects. */
export type Unread = Record<string, number>;

/** What the consumer stores after every batch: the view, and where in the log it stands. */
export interface ViewState {
  readonly topic: string;
  /** The offset of the next record to consume: every record below it is in `unread`, none above. */
  nextOffset: number;
  unread: Unread;
  /** Records that were not an event this view knows (skipped, but consumed). */
  skipped: number;
}

export const DEFAULT_ENDPOINTS = '127.0.0.1:7100,127.0.0.1:7101,127.0.0.1:7102'; // cluster-scripts/start.sh
export const DEFAULT_TOPIC = 'messages';
export const DEFAULT_STATE = '.ordo/derived-view/unread.json';

/** Decodes one record's value; null when it is not an event this view knows. */
export function parseEvent(value: Uint8Array | string): MessageEvent | null {
  let e: unknown;
  try {
    e = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof e !== 'object' || e === null) return null;
  const o = e as Record<string, unknown>;
  if (o.type === 'message-sent' && typeof o.to === 'string') return { type: 'message-sent', id: String(o.id ?? ''), from: String(o.from ?? ''), to: o.to };
  if (o.type === 'message-read' && typeof o.user === 'string') return { type: 'message-read', user: o.user };
  return null;
}

/** Applies one event to the view, in place. Deterministic: the same events in the same order give the same view. */
export function applyEvent(unread: Unread, e: MessageEvent): void {
  if (e.type === 'message-sent') {
    unread[e.to] = (unread[e.to] ?? 0) + 1;
  } else {
    const n = (unread[e.user] ?? 0) - 1;
    if (n > 0) unread[e.user] = n;
    else delete unread[e.user];
  }
}

/** The view of a whole sequence of events, from nothing. */
export function fold(events: Iterable<MessageEvent | null>): Unread {
  const unread: Unread = {};
  for (const e of events) if (e) applyEvent(unread, e);
  return sorted(unread);
}

export function sorted(unread: Unread): Unread {
  return Object.fromEntries(Object.entries(unread).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function total(unread: Unread): number {
  return Object.values(unread).reduce((a, b) => a + b, 0);
}

/** The view as stored, or an empty one at offset 0 when there is no file yet. */
export function loadState(file: string, topic: string): ViewState {
  if (!existsSync(file)) return { topic, nextOffset: 0, unread: {}, skipped: 0 };
  // Never half-written: saveState replaces the file by rename, so it is the old one or the new one.
  const s = JSON.parse(readFileSync(file, 'utf8')) as ViewState;
  if (s.topic !== topic) throw new Error(`${file} holds a view of topic "${s.topic}", not "${topic}"`);
  if (!Number.isSafeInteger(s.nextOffset) || s.nextOffset < 0) throw new Error(`${file}: bad nextOffset ${String(s.nextOffset)}`);
  return { topic, nextOffset: s.nextOffset, unread: s.unread ?? {}, skipped: s.skipped ?? 0 };
}

/**
 * Replaces the file with the state, atomically and durably: write a temporary file, fsync it,
 * rename it over the old one (atomic on POSIX), fsync the directory (so the rename itself survives
 * a power cut). A crash at any point leaves either the old file or the new one, never a mix:
 * the counts and the offset they correspond to always travel together.
 */
export function saveState(file: string, state: ViewState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify({ ...state, unread: sorted(state.unread) }, null, 1) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * A deterministic stream of events (seeded): messages between `users` users, and reads only by
 * users who have unread messages in the stream so far, so every read decrements something.
 */
export function generateEvents(count: number, users: number, seed: number): MessageEvent[] {
  let s = seed >>> 0;
  const rand = (n: number) => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const name = (i: number) => `user${String(i).padStart(2, '0')}`;
  const unread: Unread = {};
  const events: MessageEvent[] = [];
  for (let i = 0; i < count; i++) {
    const withUnread = Object.keys(unread);
    let e: MessageEvent;
    if (withUnread.length > 0 && rand(100) < 40) {
      e = { type: 'message-read', user: withUnread[rand(withUnread.length)] };
    } else {
      const from = rand(users);
      const to = users > 1 ? (from + 1 + rand(users - 1)) % users : from;
      e = { type: 'message-sent', id: `${seed}-${i}`, from: name(from), to: name(to) };
    }
    applyEvent(unread, e);
    events.push(e);
  }
  return events;
}

/** `--name value` flags into a map, with defaults; `--flag` alone is "true". Unknown flags are an error. */
export function parseFlags<T extends Record<string, string>>(argv: readonly string[], defaults: T, usage: string): T {
  const out: Record<string, string> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) fail(`unknown argument ${argv[i]}`, usage);
    const v = argv[i + 1];
    if (defaults[m[1]] === 'false' || defaults[m[1]] === 'true') out[m[1]] = 'true';
    else if (v === undefined) fail(`${argv[i]} needs a value`, usage);
    else {
      out[m[1]] = v;
      i++;
    }
  }
  return out as T;
}

export function intFlag(flags: Record<string, string>, name: string, usage: string): number {
  const n = Number(flags[name]);
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got ${flags[name]}`, usage);
  return n;
}

function fail(msg: string, usage: string): never {
  process.stderr.write(`${msg}\nusage: ${usage}\n`);
  process.exit(2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
