import { latencyStats, percentile } from '../../shared/core/latency.js';

describe('percentile (nearest rank)', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
  it.each([
    [50, 100],
    [95, 190],
    [100, 200],
    [1, 10],
  ])('p%d of 10..200 is %d', (p, value) => expect(percentile(twenty, p)).toBe(value));

  it('p95 of five samples is the slowest one', () => expect(percentile([1, 2, 3, 4, 5], 95)).toBe(5));
  it('is NaN with no samples', () => expect(percentile([], 50)).toBeNaN());
});

describe('latencyStats', () => {
  it('sorts before ranking and rounds to 0.1 ms', () => {
    expect(latencyStats([30.04, 10, 20.06])).toEqual({ count: 3, min: 10, p50: 20.1, p95: 30, max: 30 });
  });
  it('is undefined without samples', () => expect(latencyStats([])).toBeUndefined());
});
