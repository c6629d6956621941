/** The built-in models by name, and a model-erased check for callers that pick one at run time. */

import { checkHistory, type CheckOptions, type CheckResult } from '../check';
import { formatResult } from '../explain';
import type { HistoryOp } from '../history';
import { assertNever, type Model } from '../model';
import { kvModel } from './kv';
import { logModel } from './log';
import { registerModel, type RegisterModelOptions } from './register';

export const MODEL_NAMES = ['register', 'kv', 'log'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

export interface NamedCheck {
  readonly result: CheckResult<unknown, unknown, unknown>;
  /** `formatResult` of the result. */
  readonly text: string;
}

function run<S, I, O>(model: Model<S, I, O>, history: readonly HistoryOp[], options: CheckOptions): NamedCheck {
  const result = checkHistory(model, history, options);
  return { result, text: formatResult(model, result) };
}

export function checkHistoryWithModel(
  name: ModelName,
  history: readonly HistoryOp[],
  options: CheckOptions & { readonly register?: RegisterModelOptions } = {},
): NamedCheck {
  switch (name) {
    case 'register':
      return run(registerModel(options.register), history, options);
    case 'kv':
      return run(kvModel(), history, options);
    case 'log':
      return run(logModel(), history, options);
    default:
      return assertNever(name);
  }
}
