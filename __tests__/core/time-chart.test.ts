import { CHART_SAMPLES, peakStep, stepAt, timeChart } from '../../shared/core/time-chart.js';
import { rolloutChart } from '../../shared/core/traffic/rollout-summary.js';
import { lastCanaryWeight } from '../../shared/core/traffic/rollout-report.js';

const series = (chart: string, kind: string) =>
  (new RegExp(`^  ${kind} \\[(.*)\\]$`, 'm').exec(chart)?.[1] ?? '').split(', ').map(Number);

const lineChart = (endMs: number, valueAt: (ms: number, sinceMs: number) => number) =>
  timeChart({ yAxis: '%', yMax: 100, endMs, series: [{ kind: 'line', valueAt }] });

describe('timeChart', () => {
  it('draws width as time: a 4 s plateau is 4 s wide, a 0.3 s one 0.3 s', () => {
    // 10 % for 4 s, 50 % for 0.3 s, then 100 % until 6 s.
    const points = [
      { atMs: 0, v: 10 },
      { atMs: 4000, v: 50 },
      { atMs: 4300, v: 100 },
      { atMs: 6000, v: 100 },
    ];
    const chart = lineChart(6000, (ms) => stepAt(points, ms, (p) => p.v));
    const line = series(chart, 'line');
    expect(line).toHaveLength(CHART_SAMPLES);
    const share = (v: number) => line.filter((x) => x === v).length / CHART_SAMPLES;
    expect(share(10)).toBeCloseTo(4 / 6, 1);
    expect(share(50)).toBeLessThan(0.1);
    expect(share(100)).toBeCloseTo(1.7 / 6, 1);
    expect(chart).toContain('  x-axis "time (s)" 0 --> 6');
  });

  it('labels no categories, so nothing reads "0s, 0s, 0s"; long runs count minutes', () => {
    const chart = timeChart({ yAxis: '%', yMax: 100, endMs: 0.9 * 3_600_000, series: [] });
    expect(chart).toContain('x-axis "time (min)" 0 --> 54');
    expect(chart).not.toMatch(/x-axis \[/);
    expect(timeChart({ yAxis: '%', yMax: 100, endMs: 0, series: [] })).toBe('');
    expect(timeChart({ yAxis: '%', yMax: 100, endMs: 40, series: [] })).toBe('');
    expect(timeChart({ yAxis: '%', yMax: 100, endMs: 2340, series: [] })).toContain('0 --> 2.3');
  });
});

describe('rolloutChart', () => {
  it('bars the reading that made the rollback though it lasted 10 ms, and nothing after', () => {
    const chart = rolloutChart([
      { atMs: 0, canaryPercent: 10 },
      { atMs: 1000, canaryPercent: 10, canaryErrorRate: 0.25 },
      { atMs: 1010, canaryPercent: 0, event: 'rollback' },
      { atMs: 2000, canaryPercent: 0 },
    ]);
    const bars = series(chart, 'bar');
    const weight = series(chart, 'line');
    expect(Math.max(...bars)).toBe(25);
    expect(bars.at(-1)).toBe(0);
    expect(bars.filter((b) => b === 25).length).toBeLessThan(CHART_SAMPLES / 2);
    expect(weight.filter((w) => w === 10).length).toBeGreaterThan(25);
    expect(weight.at(-1)).toBe(0);
  });
});

describe('peakStep', () => {
  it('keeps a step shorter than a column as one column, not missing', () => {
    const points = [
      { atMs: 0, v: 0 },
      { atMs: 1000, v: 10 },
      { atMs: 13_000, v: 50 },
      { atMs: 13_200, v: 0 },
      { atMs: 14_000, v: 0 },
    ];
    const line = series(
      lineChart(
        14_000,
        peakStep(points, (p) => p.v),
      ),
      'line',
    );
    expect(line.filter((v, i) => i === 0 || v !== line[i - 1])).toEqual([0, 10, 50, 0]);
    expect(line.filter((v) => v === 50)).toHaveLength(1);
  });
});

describe('lastCanaryWeight', () => {
  it('is the weight users last had, not the 0 a hold or the rollback set', () => {
    expect(
      lastCanaryWeight([
        { atMs: 0, canaryPercent: 0, event: 'start' },
        { atMs: 5, canaryPercent: 50, event: 'step 1: canary 50%' },
        { atMs: 900, canaryPercent: 0, event: 'hold' },
        { atMs: 950, canaryPercent: 0, event: 'rollback' },
      ]),
    ).toBe(50);
    expect(lastCanaryWeight([{ atMs: 0, canaryPercent: 0, event: 'start' }])).toBe(0);
  });
});
