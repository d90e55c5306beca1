import { reportedLaunches } from '../../../shared/core/traffic/reported-launches.js';

const at = (atMs: number, requests: number, errors5xx: number) => ({
  atMs,
  metrics: { canary: { requests, errors5xx } },
});

describe('reportedLaunches: failures reported by now over launches old enough to have reported theirs', () => {
  it('weighs the failures reported so far against the launches counted one lag ago', () => {
    // By 10 s: 1000 launches rendered at 4 s; by now 3000 and 20 failed reports.
    const judged = reportedLaunches([at(0, 0, 0), at(4_000, 1_000, 0)], at(10_000, 3_020, 20), 6_000);
    expect(judged['canary']).toEqual({ requests: 1_020, errors5xx: 20 });
  });

  it('before one lag has passed only the failures count: nothing passes on launches too new to show theirs', () => {
    const judged = reportedLaunches([at(0, 0, 0), at(2_000, 500, 0)], at(3_000, 900, 0), 6_000);
    expect(judged['canary']).toEqual({ requests: 0, errors5xx: 0 });
  });

  it('never reads a lower rate than the complete counts will show', () => {
    const judged = reportedLaunches([at(0, 0, 0), at(5_000, 2_000, 10)], at(9_000, 3_700, 25), 4_000);
    const { requests, errors5xx } = judged['canary']!;
    expect(errors5xx / requests).toBeGreaterThanOrEqual(25 / 3_700);
  });
});
