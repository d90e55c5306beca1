/**
 * What a rollout that was stopped tells its incident: shift-traffic's `report` output
 * read back (why it stopped, each step, the users' requests that failed, its
 * timeline), so an incident opened after a rollback says what happened in numbers.
 */
import * as z from 'zod/mini';
import { formatDuration } from '../duration.js';
import { escapeCell, table } from '../markdown.js';
import { trafficSentence, type RolloutTraffic } from '../traffic/rollout-traffic.js';

const counts = z.object({
  requests: z.number().check(z.nonnegative()),
  failed: z.number().check(z.nonnegative()),
});

/** shift-traffic's report, as far as an incident needs it; unknown fields are ignored. */
export const rolloutReport = z.object({
  outcome: z.object({ kind: z.string(), reason: z.optional(z.string()) }),
  stable: z.optional(z.string()),
  canary: z.optional(z.string()),
  startedAt: z.optional(z.iso.datetime()),
  steps: z._default(
    z.array(
      z.object({ step: z.string(), canaryPercent: z.number(), durationMs: z.number(), result: z.string() }),
    ),
    [],
  ),
  traffic: z.optional(z.object({ stable: counts, canary: counts })),
  timeline: z._default(
    z.array(
      z.object({
        atMs: z.number(),
        canaryPercent: z.number(),
        canaryErrorRate: z.optional(z.number()),
        verdict: z.optional(z.string()),
        event: z.optional(z.string()),
      }),
    ),
    [],
  ),
  detectionToRollbackMs: z.optional(z.number()),
});

export type RolloutEvidence = z.output<typeof rolloutReport>;

const namesOf = (r: RolloutEvidence) => ({ stable: r.stable ?? 'stable', canary: r.canary ?? 'the canary' });

/** "rolled back", "held": the outcome as words. */
export const outcomeWords = (r: RolloutEvidence) => r.outcome.kind.replace(/-/g, ' ');

/** The users' side, in one sentence; undefined when the router kept no counts. */
export function rolloutImpact(r: RolloutEvidence): string | undefined {
  return r.traffic ? trafficSentence(r.traffic as RolloutTraffic, namesOf(r)) : undefined;
}

/** "What failed" for a stopped rollout: the reason, each step, the requests. */
export function rolloutFailure(r: RolloutEvidence): string {
  const { stable, canary } = namesOf(r);
  const rows = r.steps.map((s, i) => [
    String(i + 1),
    escapeCell(s.step),
    `${s.canaryPercent} %`,
    formatDuration(s.durationMs),
    escapeCell(s.result),
  ]);
  return [
    `The rollout of ${escapeCell(canary)} over ${escapeCell(stable)} ended **${escapeCell(outcomeWords(r))}**` +
      (r.outcome.reason ? `: ${escapeCell(r.outcome.reason)}` : '.'),
    ...(r.detectionToRollbackMs !== undefined
      ? [
          '',
          `From the first failure seen to traffic off the canary: ${Math.round(r.detectionToRollbackMs)} ms.`,
        ]
      : []),
    ...(rows.length ? ['', table(['#', 'Step', 'Canary', 'Took', 'Result'], rows)] : []),
  ].join('\n');
}

const EVENTS: Record<string, (canary: string, percent: number) => string> = {
  start: (c, p) => `Rollout of ${c} started, ${c} at ${p} %`,
  step: (c, p) => `${c} at ${p} %`,
  hold: (c) => `Tripwire: ${c} taken to 0 % while it is checked`,
  resume: (c, p) => `Tripwire: not confirmed, ${c} back at ${p} %`,
  rollback: (c) => `Rolled back: ${c} at 0 %`,
  promote: (c) => `${c} promoted to 100 %`,
};

/** The rollout's moments for the incident's one timeline: moves, failed checks, the rollback. */
export function rolloutTimeline(r: RolloutEvidence): [Date, string][] {
  if (!r.startedAt) return [];
  const start = new Date(r.startedAt).getTime();
  const { canary } = namesOf(r);
  const rows: [Date, string][] = [];
  for (const p of r.timeline) {
    const at = new Date(start + p.atMs);
    const say = p.event && EVENTS[p.event.replace(/^step \d+: .*/, 'step')];
    const why = p.event === 'rollback' && r.outcome.reason ? ` (${r.outcome.reason})` : '';
    if (say) rows.push([at, escapeCell(say(canary, p.canaryPercent) + why)]);
    else if (p.verdict === 'fail')
      rows.push([
        at,
        `A check failed` +
          (p.canaryErrorRate !== undefined
            ? `: ${canary} 5xx rate ${Math.round(p.canaryErrorRate * 1000) / 10} %`
            : ''),
      ]);
  }
  // A long rollout's every hold would drown the rest: the first and the last moments stay.
  return rows.length > 30 ? [...rows.slice(0, 15), ...rows.slice(-15)] : rows;
}
