import { MeterWindow, cpuMicros, rssMb } from '../../bench/process-meters';

// A pid far above any default pid_max (4,194,304): never a live process.
const DEAD_PID = 999_999_999;

describe('bench process meters (/proc)', () => {
  test('read CPU time and RSS of a live process, null for one that does not exist', () => {
    expect(cpuMicros(process.pid)).toBeGreaterThan(0);
    expect(rssMb(process.pid)).toBeGreaterThan(10); // node itself takes tens of MB
    expect(cpuMicros(DEAD_PID)).toBeNull();
    expect(rssMb(DEAD_PID)).toBeNull();
  });

  test('a window reports CPU and an RSS summary per member, null for a member that is gone', () => {
    const window = new MeterWindow([process.pid, DEAD_PID]);
    const held = Buffer.alloc(64 << 20, 1); // grow RSS by 64 MB inside the window
    const used = window.finish();
    expect(held[held.length - 1]).toBe(1);
    expect(used.members[1]).toBeNull();
    expect(used.rss[1]).toBeNull();
    const self = used.rss[0]!;
    expect(self.endMb - self.baselineMb).toBeGreaterThanOrEqual(60);
    expect(self.maxMb).toBe(self.endMb);
    expect(self.driftPct).toBeCloseTo((100 * (self.endMb - self.baselineMb)) / self.baselineMb, 0);
  });
});
