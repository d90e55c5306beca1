import { uncountedCanary } from '../../../shared/core/traffic/uncounted-canary.js';

const tally = (requests: number) => ({ requests, errors: 0 });

describe('uncountedCanary: a canary whose requests are in nobody’s count', () => {
  it('names a canary counted at nothing while its weight predicts hundreds', () => {
    expect(uncountedCanary(tally(0), tally(900), 50)).toBe(
      "the canary carries 50% of the traffic, yet the metrics counted 0 of its requests against 900 of stable's (about 900 expected): its requests are not reaching an instance",
    );
    expect(uncountedCanary(tally(8), tally(900), 10)).toMatch(/counted 8 of its requests/);
  });

  it('leaves a healthy canary alone, even with stable doubled by late samples', () => {
    expect(uncountedCanary(tally(100), tally(900), 10)).toBeUndefined();
    expect(uncountedCanary(tally(50), tally(1800), 10)).toBeUndefined();
  });

  it('says nothing where the counts are too few to tell, or no stable serves beside', () => {
    expect(uncountedCanary(tally(0), tally(99), 50)).toBeUndefined();
    expect(uncountedCanary(tally(0), tally(200), 10)).toBeUndefined(); // 22 expected
    expect(uncountedCanary(tally(0), tally(0), 100)).toBeUndefined();
    expect(uncountedCanary(tally(0), tally(5000), 0)).toBeUndefined();
  });
});
