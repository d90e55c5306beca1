/** The shift-traffic job summary: outcome, each step, and weight and error rate over time. */
import { formatDuration } from '../duration.js';
import { escapeCell, table } from '../markdown.js';
import type { RolloutResult, TimelinePoint } from './rollout-report.js';
import { describeSplit } from './split.js';

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
    rolloutChart(result.timeline),
    '',
  ].join('\n');
}

/** Canary weight (line) and canary 5xx rate (bars), both in percent, at each point in time. */
export function rolloutChart(timeline: readonly TimelinePoint[]): string {
  if (timeline.length < 2) return '';
  const points = downsample(timeline, 40);
  const labels = points.map((p) => JSON.stringify(`${Math.round(p.atMs / 1000)}s`)).join(', ');
  return [
    '### Canary weight (line) and 5xx rate (bars), %',
    '',
    '```mermaid',
    'xychart-beta',
    `  x-axis [${labels}]`,
    '  y-axis "%" 0 --> 100',
    `  bar [${points.map((p) => (p.canaryErrorRate === undefined ? 0 : Math.round(p.canaryErrorRate * 1000) / 10)).join(', ')}]`,
    `  line [${points.map((p) => p.canaryPercent).join(', ')}]`,
    '```',
  ].join('\n');
}

function downsample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const out = Array.from({ length: max - 1 }, (_, i) => items[Math.floor(i * step)] as T);
  out.push(items[items.length - 1] as T);
  return out;
}
