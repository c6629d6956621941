/**
 * `ordo check-history FILE --model register|kv|log [--format jepsen-etcd|jepsen-edn|jsonl]`.
 * The first line of stdout starts with `linearizable` (exit 0), `not linearizable` (exit 1,
 * followed by the explanation) or `unknown` (exit 2: time or memory limit, unreadable or malformed
 * history, bad arguments).
 */

import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_TIME_LIMIT_MS } from './check';
import { HistoryError } from './history';
import { checkHistoryWithModel, isModelName, MODEL_NAMES } from './models';
import { HISTORY_FORMATS, isHistoryFormat, parseHistory } from './parse';

/** Histories are read whole; beyond this the file is refused rather than exhausting memory. */
export const HISTORY_FILE_BYTES_MAX = 256 * 1024 * 1024;

export interface CheckHistoryCommandOptions {
  readonly model: string;
  readonly format?: string;
  /** Default 10 000 ms for the whole file. */
  readonly timeLimitMs?: number;
}

export interface CheckHistoryCommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
}

function unknown(message: string): CheckHistoryCommandResult {
  return { exitCode: 2, stdout: `unknown: ${message}\n` };
}

export async function checkHistoryCommand(file: string, opts: CheckHistoryCommandOptions): Promise<CheckHistoryCommandResult> {
  if (!isModelName(opts.model)) return unknown(`no model ${JSON.stringify(opts.model)} (expected ${MODEL_NAMES.join(', ')})`);
  const format = opts.format;
  if (format !== undefined && !isHistoryFormat(format)) {
    return unknown(`no format ${JSON.stringify(format)} (expected ${HISTORY_FORMATS.join(', ')})`);
  }
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  if (!(Number.isFinite(timeLimitMs) && timeLimitMs >= 0)) return unknown(`bad time limit ${String(opts.timeLimitMs)} ms`);

  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > HISTORY_FILE_BYTES_MAX) return unknown(`${file}: ${size} bytes, more than the ${HISTORY_FILE_BYTES_MAX} accepted`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    return unknown(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const history = parseHistory(text, format);
    const { result, text: report } = checkHistoryWithModel(opts.model, history, { timeLimitMs });
    const exitCode = result.verdict === 'linearizable' ? 0 : result.verdict === 'not-linearizable' ? 1 : 2;
    return { exitCode, stdout: report };
  } catch (e) {
    if (e instanceof HistoryError) return unknown(`malformed history ${file}: ${e.message}`);
    throw e;
  }
}
