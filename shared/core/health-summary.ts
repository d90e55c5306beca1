/** The healthcheck job summary, built as a string so tests can read it whole. */
import { escapeCell, table } from './markdown.js';
import type { HealthReport, ProbeVerdict } from './verdict.js';

const ms = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n)} ms`);

export function healthSummary(report: HealthReport, checkedAt: Date): string {
  const total = report.probes.length;
  const passed = total - report.failed.length;
  const headline = report.healthy
    ? `## ✅ Healthcheck: healthy — ${passed} of ${total} probes passed`
    : `## ❌ Healthcheck: unhealthy — ${report.failed.length} of ${total} probes down`;
  const rows = report.probes.map((p) => [
    escapeCell(p.name),
    `${escapeCell(p.method)} ${escapeCell(p.url)}`,
    p.healthy ? '✅ up' : '❌ down',
    p.status === undefined ? '–' : String(p.status),
    ms(p.latencyMs?.p50),
    ms(p.latencyMs?.p95) + (p.p95BudgetMs !== undefined ? ` / ${p.p95BudgetMs} ms` : ''),
    ms(p.latencyMs?.max),
    String(p.samples),
    escapeCell(notes(p)),
  ]);
  const parts = [
    headline,
    '',
    table(['Probe', 'Request', 'Verdict', 'Status', 'p50', 'p95 / budget', 'max', 'Samples', 'Notes'], rows),
    '',
    latencyChart(report.probes),
    '',
    `<sub>Checked ${checkedAt.toISOString()}</sub>`,
    '',
  ];
  return parts.join('\n');
}

function notes(p: ProbeVerdict): string {
  const blips = p.blips > 0 ? `${p.blips} blip${p.blips > 1 ? 's' : ''} recovered on retry` : '';
  return [p.reason ?? '', blips].filter(Boolean).join('; ') || '–';
}

/** p95 as bars and p50 as a line; GitHub renders mermaid xychart blocks in summaries. */
export function latencyChart(probes: readonly ProbeVerdict[]): string {
  const measured = probes.filter((p) => p.latencyMs !== undefined);
  if (measured.length === 0) return '_No latency to chart: no probe got a response._';
  // Only plain characters in a chart: mermaid reads a `%%{init: …}%%` directive
  // anywhere in the block, quoted or not, and would take the chart's config from it.
  const label = (name: string) => JSON.stringify(name.replace(/[^\p{L}\p{N} ._\-/:()]/gu, '').slice(0, 24));
  const values = (pick: (p: ProbeVerdict) => number) => measured.map((p) => Math.round(pick(p))).join(', ');
  const top = Math.max(...measured.map((p) => Math.max(p.latencyMs?.p95 ?? 0, p.p95BudgetMs ?? 0)), 1);
  return [
    '### Latency (ms): p95 bars, p50 line',
    '',
    '```mermaid',
    'xychart-beta',
    `  x-axis [${measured.map((p) => label(p.name)).join(', ')}]`,
    `  y-axis "ms" 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${values((p) => p.latencyMs?.p95 ?? 0)}]`,
    `  line [${values((p) => p.latencyMs?.p50 ?? 0)}]`,
    '```',
  ].join('\n');
}
