import { instantValue, prometheusCheck, queryFor } from '../../../shared/core/traffic/prometheus-gate.js';

const vector = (...values: string[]) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [1, v] })) },
  });
const policy = { query: 'q{r="{{revision}}"}', max: 0.05, minSamples: 0 };
const read = (
  canary: number | undefined,
  stable: number | undefined,
  samples: number | undefined,
  canaryAnsweredBefore = false,
) => ({ canary, stable, samples, canaryAnsweredBefore });

describe('instant query results', () => {
  it.each([
    [vector('0.02'), 0.02],
    [vector(), undefined],
    // Prometheus' JSON encoding of the IEEE specials: values, not missing data.
    [vector('NaN'), NaN],
    [vector('+Inf'), Infinity],
    [vector('-Inf'), -Infinity],
    [JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }), 3],
  ])('%s → %s', (body, value) => expect(instantValue(body)).toBe(value));

  it('refuses what cannot be one number', () => {
    expect(() => instantValue(vector('1', '2'))).toThrow(
      'the query returned 2 series; aggregate it to one (sum, max …)',
    );
    expect(() => instantValue(JSON.stringify({ status: 'error', error: 'parse error at char 5' }))).toThrow(
      'Prometheus: parse error at char 5',
    );
    expect(() => instantValue('<html>')).toThrow('not JSON');
    expect(() => instantValue(vector('lots'))).toThrow('a sample value that is not a number: "lots"');
    expect(() =>
      instantValue(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } })),
    ).toThrow('a matrix result; an instant vector or scalar is needed');
  });

  it('puts the revision into every {{revision}}', () => {
    expect(queryFor('a{r="{{revision}}"} / b{r="{{ revision }}"}', 'v2')).toBe('a{r="v2"} / b{r="v2"}');
  });
});

describe('prometheusCheck', () => {
  it('passes under the limit, fails over it, has no verdict without data', () => {
    expect(prometheusCheck(policy, read(0.01, undefined, undefined)).verdict).toBe('pass');
    expect(prometheusCheck(policy, read(0.2, undefined, undefined))).toEqual({
      verdict: 'fail',
      reasons: ['prometheus: canary value 0.2 over the 0.05 limit'],
    });
    expect(prometheusCheck(policy, read(undefined, undefined, undefined)).verdict).toBe('inconclusive');
  });

  it('compares with stable when asked', () => {
    const compared = { ...policy, max: 1, maxIncrease: 0.1 };
    expect(prometheusCheck(compared, read(0.5, 0.45, undefined)).verdict).toBe('pass');
    expect(prometheusCheck(compared, read(0.5, 0.2, undefined)).reasons).toEqual([
      "prometheus: canary value 0.5 exceeds stable's 0.2 by more than 0.1",
    ]);
    expect(prometheusCheck(compared, read(0.5, undefined, undefined)).verdict).toBe('pass');
  });

  it('fails an infinite canary (a histogram quantile past its last bucket), and has no verdict on NaN', () => {
    expect(prometheusCheck(policy, read(Infinity, undefined, undefined))).toEqual({
      verdict: 'fail',
      reasons: ['prometheus: canary value Infinity over the 0.05 limit'],
    });
    const compared = { ...policy, max: Infinity, maxIncrease: 0.1 };
    expect(prometheusCheck(compared, read(Infinity, 0.2, undefined)).verdict).toBe('fail');
    expect(prometheusCheck(compared, read(Infinity, Infinity, undefined)).verdict).toBe('pass');
    expect(prometheusCheck(policy, read(NaN, undefined, undefined))).toEqual({
      verdict: 'inconclusive',
      reasons: ['prometheus: the canary value is NaN (0/0: nothing to measure yet?)'],
    });
  });

  it("says the canary's series vanished when it answered before and stable's still has data", () => {
    expect(prometheusCheck(policy, read(undefined, 0.01, undefined, true))).toEqual({
      verdict: 'inconclusive',
      reasons: ["prometheus: no data for the canary any more while stable's series has data"],
      canaryVanished: true,
    });
    const counted = { ...policy, samplesQuery: 's' };
    expect(prometheusCheck(counted, read(undefined, 0, 0, true)).canaryVanished).toBe(true);
  });

  it('an empty answer from a canary that never answered, with nothing counting its requests, is no verdict', () => {
    const result = prometheusCheck(policy, read(undefined, 0, undefined));
    expect(result).toMatchObject({
      verdict: 'inconclusive',
      reasons: [expect.stringMatching(/or vector\(0\)/)],
    });
    expect(result.canaryVanished).toBeUndefined();
  });

  it('an empty answer from a canary the samples query shows serving requests is 0: no error series yet', () => {
    const counted = { ...policy, minSamples: 50, samplesQuery: 's' };
    expect(prometheusCheck(counted, read(undefined, 0.01, 120, true))).toEqual({
      verdict: 'pass',
      reasons: [],
    });
    expect(prometheusCheck({ ...counted, maxIncrease: 0 }, read(undefined, 0.01, 120)).verdict).toBe('pass');
    expect(prometheusCheck({ ...counted, max: -1 }, read(undefined, undefined, 120)).verdict).toBe('fail');
    expect(prometheusCheck({ ...counted, minSamples: 0 }, read(undefined, 0.01, 0)).verdict).toBe(
      'inconclusive',
    );
  });

  it('gives no verdict on too few samples, however bad the value', () => {
    const counted = { ...policy, minSamples: 50, samplesQuery: 's' };
    expect(prometheusCheck(counted, read(0.9, undefined, 12))).toEqual({
      verdict: 'inconclusive',
      reasons: ['prometheus: 12 samples, fewer than the 50 needed for a verdict'],
    });
    expect(prometheusCheck(counted, read(0.9, undefined, 50)).verdict).toBe('fail');
  });
});
