/** History formats: parse by name, or detect from the content. */

import { HistoryError, pairEvents, type HistoryEvent, type HistoryOp } from '../history';
import { assertNever } from '../model';
import { parseJepsenEdn } from './jepsen-edn';
import { parseJepsenEtcd } from './jepsen-etcd';
import { parseJsonl } from './jsonl';

export const HISTORY_FORMATS = ['jepsen-etcd', 'jepsen-edn', 'jsonl'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export function isHistoryFormat(s: string): s is HistoryFormat {
  return (HISTORY_FORMATS as readonly string[]).includes(s);
}

/** From the first non-blank line: `INFO  jepsen.util` -> jepsen-etcd, `{:` or `[{:` -> jepsen-edn,
 *  `{"` -> jsonl. Throws `HistoryError` when none matches. */
export function detectFormat(text: string): HistoryFormat {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  if (first === undefined) throw new HistoryError('empty history: cannot detect its format');
  if (/^INFO\s+jepsen\.util\s+-/.test(first)) return 'jepsen-etcd';
  if (/^\[?\s*\{\s*:/.test(first)) return 'jepsen-edn';
  if (/^\{\s*"/.test(first)) return 'jsonl';
  throw new HistoryError('cannot detect the history format (use --format jepsen-etcd|jepsen-edn|jsonl)', 1);
}

export function parseEvents(text: string, format: HistoryFormat = detectFormat(text)): HistoryEvent[] {
  switch (format) {
    case 'jepsen-etcd':
      return parseJepsenEtcd(text);
    case 'jepsen-edn':
      return parseJepsenEdn(text);
    case 'jsonl':
      return parseJsonl(text);
    default:
      return assertNever(format);
  }
}

/** Parses and pairs calls with completions. */
export function parseHistory(text: string, format?: HistoryFormat): HistoryOp[] {
  return pairEvents(parseEvents(text, format));
}
