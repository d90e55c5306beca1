import {
  CLAIM_TTL_MS,
  claimDescription,
  claimLabelOf,
  claimState,
} from '../../../shared/core/incident/claim.js';

describe('the incident claim', () => {
  it('names one label per incident, within GitHub’s 50 characters', () => {
    const a = claimLabelOf('machinemate-api/production/healthcheck');
    expect(a).toMatch(/^incident-claim-[0-9a-f]{16}$/);
    expect(a).toBe(claimLabelOf('machinemate-api/production/healthcheck'));
    expect(a).not.toBe(claimLabelOf('machinemate-api/staging/healthcheck'));
    expect(claimDescription(new Date(0), 'x'.repeat(200)).length).toBe(100);
  });

  it('lives for CLAIM_TTL_MS from its time, then is dead; an unreadable one is dead', () => {
    const at = new Date('2026-12-07T10:00:00Z');
    const description = claimDescription(at, 'https://github.com/o/r/actions/runs/1');
    expect(claimState(description, new Date(at.getTime() + 1_000))).toEqual({
      kind: 'alive',
      leftMs: CLAIM_TTL_MS - 1_000,
    });
    expect(claimState(description, new Date(at.getTime() + CLAIM_TTL_MS))).toEqual({ kind: 'dead' });
    expect(claimState('a label someone edited', at)).toEqual({ kind: 'dead' });
    expect(claimState(null, at)).toEqual({ kind: 'dead' });
    // A runner whose clock runs ahead does not make a claim live longer than the TTL.
    expect(claimState(description, new Date(at.getTime() - 60_000))).toEqual({
      kind: 'alive',
      leftMs: CLAIM_TTL_MS,
    });
  });
});
