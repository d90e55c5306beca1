import { incidentBody, incidentRecord, timeline } from '../../../shared/core/incident/incident.js';
import { rolloutReport } from '../../../shared/core/incident/rollout-evidence.js';
import { share, trafficBetween } from '../../../shared/core/traffic/rollout-traffic.js';

const report = rolloutReport.parse({
  outcome: { kind: 'rolled-back', reason: 'v2 fails where v1 answers (3 of 3 requests to / got 500)' },
  stable: 'v1',
  canary: 'v2',
  startedAt: '2026-11-30T10:00:00.000Z',
  steps: [{ index: 0, step: 'weight 10%', canaryPercent: 10, durationMs: 5, result: 'set' }],
  traffic: { stable: { requests: 3702, failed: 0 }, canary: { requests: 412, failed: 103 } },
  timeline: [
    { atMs: 0, canaryPercent: 0, event: 'start' },
    { atMs: 40, canaryPercent: 10, event: 'step 1: canary 10%' },
    { atMs: 2500, canaryPercent: 10, verdict: 'fail', canaryErrorRate: 0.25 },
    { atMs: 2510, canaryPercent: 0, event: 'rollback' },
    { atMs: 2600, canaryPercent: 0, verdict: 'pass' },
  ],
  detectionToRollbackMs: 9.4,
  split: { v1: 100 },
});
const facts = {
  fingerprint: 'shop/production/rollout',
  service: 'shop',
  environment: 'production',
  kind: 'rollout',
  severity: 'P1' as const,
  runUrl: '',
  at: new Date('2026-11-30T10:00:05.000Z'),
  rollout: report,
};

describe('an incident a stopped rollout opened', () => {
  const body = incidentBody(facts);

  it('states the impact as a share of the requests the router counted', () => {
    expect(body).toContain(
      'Measured at the router: 103 of 4,114 requests (2.5 %) failed while the rollout ran: 103 of 412 on v2 (the canary), 0 of 3,702 on v1.',
    );
    expect(body).toContain('Impact: 103 of 4,114 requests (2.5 %) failed while the rollout ran');
    expect(body).toContain('Issue: rollout of v2 rolled back: v2 fails where v1 answers');
  });

  it('says why it stopped, how fast, and each step', () => {
    expect(body).toContain('The rollout of v2 over v1 ended **rolled back**: v2 fails where v1 answers');
    expect(body).toContain('From the first failure seen to traffic off the canary: 9 ms.');
    expect(body).toContain('| 1 | weight 10% | 10 % | 5ms | set |');
    expect(body).not.toContain('No probe report was given');
  });

  it('has one timeline, in order, and no link where there is no run to link', () => {
    expect(timeline(facts).map(([at, e]) => `${at.toISOString().slice(17)} ${e}`)).toEqual([
      '00.000Z Rollout of v2 started, v2 at 0 %',
      '00.040Z v2 at 10 %',
      '02.500Z A check failed: v2 5xx rate 25 %',
      '02.510Z Rolled back: v2 at 0 % (v2 fails where v1 answers (3 of 3 requests to / got 500))',
      '05.000Z Incident opened (no run to link: not on GitHub Actions)',
    ]);
    const record = incidentRecord(facts, '', incidentBody(facts, { timeline: false }));
    expect(record.match(/Timeline/g)).toHaveLength(1);
    expect(record).toContain('- 2026-11-30T10:00:02.510Z Rolled back: v2 at 0 % (v2 fails');
    expect(record).not.toContain('](');
  });

  it("keeps a person's own impact first, the measurement beside it", () => {
    const own = incidentBody({ ...facts, impact: 'checkout down for EU users' });
    expect(own.indexOf('checkout down for EU users')).toBeLessThan(own.indexOf('Measured at the router'));
    expect(own).toContain('Impact: checkout down for EU users');
  });
});

describe('rollout traffic', () => {
  it('counts growth between two readings, revisions absent at first from zero, and nothing after a restart', () => {
    const names = { stable: 'v1', canary: 'v2' };
    expect(
      trafficBetween(
        { v1: { requests: 100, errors5xx: 1 } },
        { v1: { requests: 150, errors5xx: 1 }, v2: { requests: 5, errors5xx: 5 } },
        names,
      ),
    ).toEqual({ stable: { requests: 50, failed: 0 }, canary: { requests: 5, failed: 5 } });
    expect(
      trafficBetween({ v1: { requests: 100, errors5xx: 0 } }, { v1: { requests: 3, errors5xx: 0 } }, names),
    ).toBeUndefined();
    expect(trafficBetween(undefined, {}, names)).toBeUndefined();
  });

  it.each([
    [0, 10, '0 %'],
    [1, 10_000, '< 0.1 %'],
    [25, 1000, '2.5 %'],
    [1, 3, '33 %'],
    [5, 0, '0 %'],
  ])('share(%d, %d) is %s', (part, whole, text) => expect(share(part, whole)).toBe(text));
});
