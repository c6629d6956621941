import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The core is a pure algorithm: no I/O, no clock, no ambient randomness (architecture rule 1). */
describe('src/raft/core is pure', () => {
  const dir = join(__dirname, '../../src/raft/core');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const forbidden: [string, RegExp][] = [
    ['node I/O modules', /(from|require\(|import\()\s*['"](node:)?(fs|net|https?|http2|tls|dns|dgram|child_process|worker_threads|timers)(\/[a-z]+)?['"]/],
    ['grpc', /@grpc\//],
    ['level', /from\s+['"](classic-)?level['"]/],
    ['Date', /\bDate\b/],
    ['Math.random', /Math\.random/],
    ['performance.now / hrtime', /performance\.now|process\.hrtime/],
    ['timers', /\bset(Timeout|Interval|Immediate)\b/],
  ];

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(4);
  });

  it.each(forbidden)('no %s', (_name, pattern) => {
    const offenders = files.filter((f) => pattern.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the scan itself detects an import of node:fs', () => {
    expect(forbidden[0][1].test(`import { readFileSync } from 'node:fs';`)).toBe(true);
  });
});
