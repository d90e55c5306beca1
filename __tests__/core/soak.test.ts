import {
  judgeSoak,
  nextLive,
  soakChecks,
  type LiveSearch,
  type SoakEvidence,
} from '../../shared/core/soak.js';
import { soakResult } from '../../shared/core/soak-result.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const at = (iso: string) => new Date(`2026-11-30T${iso}Z`);

describe('nextLive: when the commit went live, newest deployment first', () => {
  const search = (deployments: { sha: string; successes: Date[] }[]) => {
    let s: LiveSearch = { done: false };
    let read = 0;
    for (const d of deployments) {
      read++;
      s = nextLive(s, d, SHA);
      if (s.done) break;
    }
    return { ...s, read };
  };

  it.each([
    ['one live deployment', [{ sha: SHA, successes: [at('10:00:00')] }], at('10:00:00'), undefined],
    [
      'its earliest success',
      [{ sha: SHA, successes: [at('11:00:00'), at('10:00:00')] }],
      at('10:00:00'),
      undefined,
    ],
    [
      'a redeploy of the same commit moves the start back',
      [
        { sha: SHA, successes: [at('12:00:00')] },
        { sha: SHA, successes: [at('09:00:00')] },
      ],
      at('09:00:00'),
      undefined,
    ],
    [
      'a deployment that never went live is passed over',
      [
        { sha: OTHER, successes: [] },
        { sha: SHA, successes: [at('10:00:00')] },
      ],
      at('10:00:00'),
      undefined,
    ],
    [
      'another commit live now voids the soak',
      [{ sha: OTHER, successes: [at('10:00:00')] }],
      undefined,
      OTHER,
    ],
    ['no deployment at all', [], undefined, undefined],
  ])('%s', (_, deployments, liveSince, replacedBy) => {
    const s = search(deployments);
    expect(s.liveSince).toEqual(liveSince);
    expect(s.replacedBy).toBe(replacedBy);
  });

  it('stops at the first live deployment of another commit, reading nothing older', () => {
    const s = search([
      { sha: SHA, successes: [at('12:00:00')] },
      { sha: OTHER, successes: [at('08:00:00')] },
      { sha: SHA, successes: [at('06:00:00')] },
    ]);
    expect(s).toEqual({ liveSince: at('12:00:00'), done: true, read: 2 });
  });
});

describe('soakChecks', () => {
  it('counts success, failure and timed_out, oldest first; cancelled and skipped are not checks', () => {
    const runs = [
      { at: at('10:20:00'), conclusion: 'timed_out', url: 'u3' },
      { at: at('10:10:00'), conclusion: 'cancelled', url: 'u2' },
      { at: at('10:00:00'), conclusion: 'success', url: 'u1' },
      { at: at('10:30:00'), conclusion: 'skipped', url: 'u4' },
      { at: at('10:40:00'), conclusion: 'failure', url: 'u5' },
    ];
    expect(soakChecks(runs).map((c) => [c.url, c.passed])).toEqual([
      ['u1', true],
      ['u3', false],
      ['u5', false],
    ]);
  });
});

describe('judgeSoak and what the step shows', () => {
  const policy = { environment: 'staging', sha: SHA, durationMs: 3_600_000, minChecks: 6 };
  const context = {
    environment: 'staging',
    sha: SHA,
    checksWorkflow: 'staging-monitor.yml',
    failWhileWaiting: false,
  };
  const green = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      at: new Date(at('10:00:00').getTime() + i * 600_000),
      passed: true,
      url: `u${i}`,
    }));
  const evidence = (checks: SoakEvidence['checks']): SoakEvidence => ({ liveSince: at('10:00:00'), checks });

  it.each([
    ['an hour and six green checks', evidence(green(6)), at('11:00:00'), 'passed'],
    ['half the time', evidence(green(3)), at('10:30:00'), 'waiting'],
    ['the time but too few checks', evidence(green(2)), at('11:30:00'), 'waiting'],
    [
      'one failed check',
      evidence([...green(5), { at: at('10:55:00'), passed: false, url: 'bad' }]),
      at('11:00:00'),
      'failed',
    ],
    ['never deployed', { liveSince: undefined, checks: [] }, at('11:00:00'), 'failed'],
    [
      'replaced by another commit',
      { liveSince: undefined, replacedBy: OTHER, checks: [] },
      at('11:00:00'),
      'failed',
    ],
  ] as const)('%s: %s', (_, e, now, status) => {
    const verdict = judgeSoak(e, policy, now);
    expect(verdict.status).toBe(status);
    const result = soakResult(context, e, verdict);
    expect(result.outputs.status).toBe(status);
    expect(result.failure !== undefined).toBe(status === 'failed');
    expect(result.annotations.length).toBe(status === 'waiting' ? 1 : 0);
  });

  it('fail-while-waiting fails a soak that is not over yet', () => {
    const verdict = judgeSoak(evidence(green(3)), policy, at('10:30:00'));
    expect(soakResult({ ...context, failWhileWaiting: true }, evidence(green(3)), verdict).failure).toMatch(
      /^Soak not over yet: soak 30m of 1h; 3 of 6 checks green — 30m to go/,
    );
  });
});
