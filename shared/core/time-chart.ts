/**
 * A mermaid xychart over real time. Readings come at irregular moments (a check every
 * 10 s, a tripwire hold 10 ms later); drawn one category each, a 4-second plateau
 * would be as wide as 0.3 s and the labels would read "0s, 0s, 0s". Instead every
 * series is sampled at evenly spaced instants and the x-axis is numeric (mermaid's
 * `x-axis "title" min --> max`), so width is time and mermaid picks legible ticks.
 */
export interface TimeSeries {
  kind: 'line' | 'bar';
  /** The value drawn at `ms` after the start; `sinceMs` is the instant drawn before it. */
  valueAt: (ms: number, sinceMs: number) => number;
}

export interface TimeChart {
  title?: string;
  yAxis: string;
  yMax: number;
  endMs: number;
  series: readonly TimeSeries[];
}

/** Columns per chart: a second each over a one-minute rollout, and few enough for bars to stay visible. */
export const CHART_SAMPLES = 60;

/** The value of the last point at or before `ms` (a step function), or `fallback` before the first. */
export function stepAt<T extends { atMs: number }>(
  points: readonly T[],
  ms: number,
  pick: (p: T) => number | undefined,
  fallback = 0,
): number {
  let value = fallback;
  for (const p of points) {
    if (p.atMs > ms) break;
    value = pick(p) ?? value;
  }
  return value;
}

/** The largest reading in (sinceMs, ms], so a short spike between two instants is still drawn. */
export function peakIn<T extends { atMs: number }>(
  points: readonly T[],
  sinceMs: number,
  ms: number,
  pick: (p: T) => number | undefined,
): number | undefined {
  let peak: number | undefined;
  for (const p of points) {
    const v = p.atMs > sinceMs && p.atMs <= ms ? pick(p) : undefined;
    if (v !== undefined) peak = Math.max(peak ?? v, v);
  }
  return peak;
}

/**
 * A step function drawn without losing short steps: each column shows the value at
 * its instant, or a higher one the series passed through since the previous column
 * (a 0.2 s step at 50 % in a 14 s rollout is one column wide, not missing).
 */
export function peakStep<T extends { atMs: number }>(
  points: readonly T[],
  pick: (p: T) => number | undefined,
): (ms: number, sinceMs: number) => number {
  return (ms, sinceMs) => Math.max(stepAt(points, ms, pick), peakIn(points, sinceMs, ms, pick) ?? 0);
}

export function timeChart(chart: TimeChart): string {
  // Under a tenth of a second (an instant promotion) there is nothing to draw over time.
  if (!(chart.endMs >= 100)) return '';
  const minutes = chart.endMs >= 600_000;
  const unit = minutes ? 60_000 : 1000;
  const end = chart.endMs / unit;
  const axisEnd = end < 10 ? Math.round(end * 10) / 10 : Math.round(end);
  const instants = Array.from({ length: CHART_SAMPLES }, (_, i) => (chart.endMs * i) / (CHART_SAMPLES - 1));
  const values = (s: TimeSeries) =>
    instants.map((ms, i) => Math.round(s.valueAt(ms, instants[i - 1] ?? -1) * 10) / 10).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    ...(chart.title ? [`  title ${JSON.stringify(chart.title)}`] : []),
    `  x-axis "time (${minutes ? 'min' : 's'})" 0 --> ${axisEnd}`,
    `  y-axis ${JSON.stringify(chart.yAxis)} 0 --> ${chart.yMax}`,
    ...chart.series.map((s) => `  ${s.kind} [${values(s)}]`),
    '```',
  ].join('\n');
}
