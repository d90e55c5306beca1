/** The shift-traffic job summary: outcome, each step, and weight and error rate over time. */
import { formatDuration } from '../duration.js';
import { escapeCell, table } from '../markdown.js';
import { COUNTED } from './gates.js';
import type { RolloutResult, TimelinePoint } from './rollout-report.js';
import { describeSplit } from './split.js';
import { peakIn, peakStep, stepAt, timeChart } from '../time-chart.js';

const HEADLINES: Record<RolloutResult['outcome']['kind'], string> = {
  promoted: '✅ Promoted',
  'already-promoted': '✅ Already promoted',
  'rolled-back': '⏪ Rolled back',
  held: '⏸️ Held',
  drift: '⚠️ Stopped: the split changed outside this run',
};

export function rolloutSummary(
  result: RolloutResult,
  names: { stable: string; canary: string },
  /** Where the gates' numbers came from and their limits, one line each. */
  notes: readonly string[] = [],
  /** What the bars measure: the router's 5xx rate, or an app update's failed-launch rate. */
  rateName: string = COUNTED.requests.rate,
): string {
  const { outcome } = result;
  const reason = 'reason' in outcome ? ` — ${escapeCell(outcome.reason)}` : '';
  const rows = result.steps.map((s) => [
    String(s.index + 1),
    escapeCell(s.step),
    `${s.canaryPercent}%`,
    formatDuration(s.durationMs),
    s.history ? `${s.history.passes} ✅ / ${s.history.failures} ❌ / ${s.history.inconclusive} ∅` : '–',
    escapeCell(s.result),
  ]);
  return [
    `## ${HEADLINES[outcome.kind]}: ${escapeCell(names.canary)} over ${escapeCell(names.stable)}${reason}`,
    '',
    `Traffic now: **${escapeCell(describeSplit(result.split))}**` +
      (result.detectionToRollbackMs !== undefined
        ? ` · first failure seen to traffic off the canary: ${Math.round(result.detectionToRollbackMs)} ms`
        : ''),
    '',
    ...notes.map((n) => `> ${escapeCell(n)}`),
    ...(notes.length ? [''] : []),
    rows.length
      ? table(['#', 'Step', 'Canary', 'Took', 'Checks (pass / fail / no verdict)', 'Result'], rows)
      : '_No step ran._',
    '',
    rolloutChart(result.timeline, rateName),
    '',
  ].join('\n');
}

/** Canary weight (line) and canary 5xx (or crash) rate (bars), both in percent, over the rollout's time. */
export function rolloutChart(
  timeline: readonly TimelinePoint[],
  rateName: string = COUNTED.requests.rate,
): string {
  if (timeline.length < 2) return '';
  const start = timeline[0]?.atMs ?? 0;
  const points = timeline.map((p) => ({ ...p, atMs: p.atMs - start }));
  const weight = (ms: number) => stepAt(points, ms, (p) => p.canaryPercent);
  const percent = (p: TimelinePoint) =>
    p.canaryErrorRate === undefined ? undefined : p.canaryErrorRate * 100;
  // The worst reading since the last column (a spike just before a rollback shows),
  // else the last one while the canary still has traffic to measure.
  const rate = (ms: number, sinceMs: number) =>
    peakIn(points, sinceMs, ms, percent) ?? (weight(ms) === 0 ? 0 : stepAt(points, ms, percent));
  const chart = timeChart({
    yAxis: '%',
    yMax: 100,
    endMs: points.at(-1)?.atMs ?? 0,
    series: [
      { kind: 'bar', valueAt: rate },
      { kind: 'line', valueAt: peakStep(points, (p) => p.canaryPercent) },
    ],
  });
  return chart ? [`### Canary weight (line) and ${rateName} (bars), %`, '', chart].join('\n') : '';
}
