import { OperationalError } from '../../../shared/core/errors.js';
import { canaryResult, splitAfterDeploy, stableFor } from '../../../shared/core/traffic/canary-plan.js';

describe('stableFor: the revision a new canary goes next to', () => {
  it.each([
    ['the one serving all traffic', { blue: 100 }, {}, 'blue'],
    ['the named stable, even when another serves', { blue: 100 }, { stable: 'old' }, 'old'],
    ['the named stable when nothing serves', {}, { stable: 'blue' }, 'blue'],
    ['the serving one when the named canary is idle', { blue: 100, green: 0 }, { canary: 'green' }, 'blue'],
  ])('%s', (_, before, wanted, stable) => {
    expect(stableFor(before, wanted)).toBe(stable);
  });

  it.each([
    [
      'the named canary already serves',
      { blue: 90, green: 10 },
      { canary: 'green' },
      /green serves 10% of traffic/,
    ],
    ['a rollout is in progress', { blue: 90, green: 10 }, { canary: 'red' }, /a rollout is in progress/],
    ['nothing serves and no stable is named', {}, {}, /no revision serves traffic now/],
  ])('refuses when %s, changing nothing', (_, before, wanted, message) => {
    expect(() => stableFor(before, wanted)).toThrow(OperationalError);
    expect(() => stableFor(before, wanted)).toThrow(message);
  });
});

describe('splitAfterDeploy', () => {
  const names = { stable: 'blue', canary: 'green' };
  it.each([
    ['no initial share', 0, { kind: 'passed' } as const, { blue: 100 }],
    ['a share and passing probes', 10, { kind: 'passed' } as const, { blue: 90, green: 10 }],
    ['a share and no probes', 10, { kind: 'none' } as const, { blue: 90, green: 10 }],
    ['a share and failing probes', 10, { kind: 'failed', down: ['api (503)'] } as const, { blue: 100 }],
  ])('%s', (_, percent, probes, split) => {
    expect(splitAfterDeploy({ blue: 100 }, names, percent, probes)).toEqual(split);
  });
});

describe('canaryResult', () => {
  const base = { name: 'green', stable: 'blue', url: 'http://127.0.0.1:9', split: { blue: 100 } };
  it('fails the step when the probes failed, saying the canary has no traffic', () => {
    const result = canaryResult({ ...base, probes: { kind: 'failed', down: ['api (status 503)'] } });
    expect(result.failure).toBe(
      'green failed its probes before any traffic reached it: api (status 503); it still has no traffic',
    );
    expect(result.summary).toContain('Probes before traffic: failed');
  });
  it.each([
    ['none', 'none given'],
    ['passed', 'passed'],
  ] as const)('probes %s: no failure, outputs set', (kind, said) => {
    const result = canaryResult({ ...base, probes: { kind } });
    expect(result.failure).toBeUndefined();
    expect(result.summary).toContain(`Probes before traffic: ${said}`);
    expect(result.outputs).toEqual({
      'canary-revision': 'green',
      'stable-revision': 'blue',
      'canary-url': 'http://127.0.0.1:9',
      split: '{"blue":100}',
    });
  });
});
