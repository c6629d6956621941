/** Plain-text rendering of a check result. The first line starts with `linearizable`,
 *  `not linearizable` or `unknown`. */

import type { CheckResult, Violation } from './check';
import type { Model, Operation } from './model';

function where<I, O>(op: Operation<I, O>): string {
  const src = op.source;
  const at = (line: number | undefined, event: number): string => (line !== undefined ? `line ${line}` : `event ${event}`);
  const call = `called ${at(src?.callLine, op.call)}`;
  if (src !== undefined) {
    switch (src.completion) {
      case 'ok':
        return `${call}, returned ${at(src.returnLine, op.ret)}`;
      case 'fail':
        return `${call}, failed ${at(src.returnLine, op.ret)}`;
      case 'info':
        return `${call}, outcome unknown (info ${at(src.returnLine, op.ret)})`;
      case 'none':
        return `${call}, never returned`;
    }
  }
  return op.ret === Infinity ? `${call}, outcome unknown` : `${call}, returned ${at(undefined, op.ret)}`;
}

function describeOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  return `p${String(op.process)} ${model.describe(op.input, op.output)}  (${where(op)})`;
}

export function partitionLabel(key: string): string {
  return key === '' ? 'the whole history (one partition)' : `key ${JSON.stringify(key)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatViolation<S, I, O>(model: Model<S, I, O>, v: Violation<S, I, O>): string[] {
  const lines: string[] = [];
  lines.push(`partition: ${partitionLabel(v.key)}, ${plural(v.ops.length, 'operation')}`);
  lines.push(`longest linearizable prefix: ${v.longestPrefix.length} of ${v.ops.length} operations, in linearization order:`);
  v.longestPrefix.forEach((s, i) => {
    lines.push(`  ${String(i + 1).padStart(3)}. ${describeOp(model, s.op)}  => ${model.describeState(s.stateAfter)}`);
  });
  lines.push(`then no operation can take effect next, from state ${model.describeState(v.stuckState)}.`);
  lines.push(`this one had to take effect before it returned:`);
  lines.push(`       ${describeOp(model, v.blocking)}`);
  lines.push(`candidates (called before that return, not linearized yet):`);
  for (const c of v.candidates) {
    const why = c.accepted ? 'legal here, but every continuation fails' : 'illegal in this state';
    lines.push(`       ${describeOp(model, c.op)}  -- ${why}`);
  }
  return lines;
}

export function formatResult<S, I, O>(model: Model<S, I, O>, result: CheckResult<S, I, O>): string {
  const ms = `${Math.round(result.elapsedMs)} ms`;
  const dropped = result.droppedCount > 0 ? `, ${result.droppedCount} failed dropped` : '';
  const summary = `model ${model.name}: ${plural(result.opCount, 'operation')}${dropped} in ${plural(result.partitionCount, 'partition')}`;
  switch (result.verdict) {
    case 'linearizable':
      return `linearizable (${summary}; ${ms})\n`;
    case 'not-linearizable':
      return [`not linearizable (${summary}; ${ms})`, ...formatViolation(model, result.violation)].join('\n') + '\n';
    case 'unknown': {
      const what = result.reason === 'time-limit' ? 'time limit reached' : 'memo size limit reached';
      const checked = result.partitions.filter((p) => p.verdict === 'linearizable').length;
      return (
        `unknown: ${what} in partition ${partitionLabel(result.partitionKey)} (${summary}; ${ms})\n` +
        `no violation found; ${checked} of ${result.partitionCount} partitions linearizable\n`
      );
    }
  }
}
