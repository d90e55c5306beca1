import { refuse } from '../schema-kit.js';
/**
 * A rollout plan is a list of steps, each exactly one kind: set the canary's
 * weight, pause, or run an analysis (gates checked at an interval for a while).
 * Progress is never stored in the plan: where a run stands is derived from the
 * split the platform reports.
 */
import * as z from 'zod/mini';
import { duration, timeLimit } from '../schema-kit.js';

export type Step =
  | { kind: 'weight'; percent: number }
  | { kind: 'pause'; durationMs: number }
  | { kind: 'analysis'; durationMs: number; intervalMs: number };

export type Plan = readonly Step[];

const weightStep = z.strictObject({
  weight: z
    .number({ message: 'must be a whole percent from 1 to 100' })
    .check(z.refine((n: number) => Number.isSafeInteger(n), 'must be a whole percent from 1 to 100'))
    .check(z.gte(1, 'must be a whole percent from 1 to 100'))
    .check(z.lte(100, 'must be a whole percent from 1 to 100')),
});
const pauseStep = z.strictObject({ pause: duration() });
const analysisStep = z.strictObject({
  analysis: z.strictObject({ duration: duration(), interval: z.optional(timeLimit()) }),
});

/** One step as written; the message names the one field a step must have. */
export const stepSpec = z.pipe(
  z.unknown(),
  z.transform((value, ctx): Step => {
    const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    const kinds = keys.filter((k) => k === 'weight' || k === 'pause' || k === 'analysis');
    if (kinds.length !== 1) {
      refuse(
        ctx,
        [],
        kinds.length === 0
          ? 'must have exactly one of weight, pause or analysis'
          : `has ${kinds.join(' and ')}; a step is exactly one of weight, pause or analysis`,
      );
      return z.NEVER;
    }
    const schema = kinds[0] === 'weight' ? weightStep : kinds[0] === 'pause' ? pauseStep : analysisStep;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: value } as never);
      return z.NEVER;
    }
    const data = parsed.data as Record<string, unknown>;
    if ('weight' in data) return { kind: 'weight', percent: data['weight'] as number };
    if ('pause' in data) return { kind: 'pause', durationMs: data['pause'] as number };
    const a = data['analysis'] as { duration: number; interval?: number };
    return { kind: 'analysis', durationMs: a.duration, intervalMs: a.interval ?? DEFAULT_INTERVAL_MS };
  }),
);

export const DEFAULT_INTERVAL_MS = 10_000;

export const planSpec = z
  .array(stepSpec)
  .check(z.minLength(1, 'must have at least one step'))
  .check(z.maxLength(100, 'must have at most 100 steps'))
  .check(
    z.superRefine((steps, ctx) => {
      let last = 0;
      steps.forEach((step, i) => {
        if (step.kind !== 'weight') return;
        if (step.percent <= last) {
          refuse(ctx, [i, 'weight'], `must be more than the previous weight (${last})`);
        }
        last = step.percent;
      });
      if (!steps.some((s) => s.kind === 'weight')) refuse(ctx, [], 'must set a weight at least once');
    }),
  );

/**
 * The shorthand `10,25,50,100`: each weight is followed by an analysis for `hold`
 * (checked every `interval`), 100 included: that last one is the bake.
 */
export function shorthandPlan(text: string, holdMs: number, intervalMs: number): Plan | string {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return 'must list at least one weight';
  const steps: Step[] = [];
  let last = 0;
  for (const part of parts) {
    if (!/^\d+%?$/.test(part)) return `has ${JSON.stringify(part)}, which is not a whole percent`;
    const percent = Number(part.replace('%', ''));
    if (percent < 1 || percent > 100) return `has ${percent}, outside 1-100`;
    if (percent <= last) return `has ${percent} after ${last}; weights must increase`;
    last = percent;
    steps.push({ kind: 'weight', percent });
    if (percent < 100 && holdMs > 0)
      steps.push({ kind: 'analysis', durationMs: holdMs, intervalMs: Math.min(intervalMs, holdMs) });
  }
  return withBake(steps, holdMs, intervalMs);
}

/**
 * A canary that takes all traffic is still a canary until it has held it for a
 * while: a plan that reaches 100 % (or is promoted there at its end) without an
 * analysis after it gets one for `hold`, so a regression that shows only under
 * full load still rolls back. `steps: '100'` alone is gated the same way.
 */
export function withBake(plan: Plan, holdMs: number, intervalMs: number): Plan {
  if (holdMs <= 0) return plan;
  const last = plan.findLast((s) => s.kind === 'weight');
  const steps: Step[] =
    last?.kind === 'weight' && last.percent === 100 ? [...plan] : [...plan, { kind: 'weight', percent: 100 }];
  const lastFull = steps.findLastIndex((s) => s.kind === 'weight');
  if (steps.slice(lastFull + 1).some((s) => s.kind === 'analysis')) return plan;
  steps.push({ kind: 'analysis', durationMs: holdMs, intervalMs: Math.min(intervalMs, holdMs) });
  return steps;
}

export function looksLikeShorthand(text: string): boolean {
  return /^[\d\s,%]+$/.test(text.trim());
}

/**
 * Where a run resumes, given the canary's share now. 0 % starts at the top; a share
 * that a weight step of the plan sets resumes right after that step (its analysis
 * runs again, which is the safe side); a share the plan never sets is drift.
 */
export function resumeIndex(plan: Plan, canaryPercent: number): number | 'drift' {
  if (canaryPercent === 0) return 0;
  const at = plan.findIndex((s) => s.kind === 'weight' && s.percent === canaryPercent);
  if (at >= 0) return at + 1;
  if (canaryPercent === 100) return plan.length;
  return 'drift';
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'weight':
      return `weight ${step.percent}%`;
    case 'pause':
      return `pause ${step.durationMs}ms`;
    case 'analysis':
      return `analysis ${step.durationMs}ms every ${step.intervalMs}ms`;
  }
}
