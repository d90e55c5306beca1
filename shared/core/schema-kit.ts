/** zod building blocks shared by every action's settings. */
import { z } from 'zod';
import { parseDuration } from './duration.js';

// An action parses its inputs once per process. zod's JIT (compiling each object
// schema with new Function) pays off over thousands of parses, not one: measured
// on a cold start, jitless is faster.
z.config({ jitless: true });

/**
 * Node's timers hold at most 2^31−1 ms (about 24.8 days); a longer setTimeout fires
 * after 1 ms, so a 30-day pause would end at once. No duration may exceed it.
 */
export const MAX_DURATION_MS = 2_147_483_647;

export const duration = (what = 'a duration', bounds: { min?: number } = {}) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const ms = parseDuration(String(value));
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} such as 500ms, 10s or 2m` });
      return z.NEVER;
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 24d (a runner timer holds no more)' });
      return z.NEVER;
    }
    if (bounds.min !== undefined && ms < bounds.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${bounds.min}ms` });
      return z.NEVER;
    }
    return ms;
  });

/** A time limit: zero would fail everything at once. */
export const timeLimit = () => duration('a duration', { min: 1 });

/** A whole number written either as a YAML number or as an input string. */
export const wholeNumber = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, `must be a whole number from ${min} to ${max}`),
    ])
    .transform(Number)
    .pipe(
      z
        .number()
        .int(`must be a whole number from ${min} to ${max}`)
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`),
    );

/** Actions inputs follow YAML 1.2 core booleans, like @actions/core's getBooleanInput. */
export const booleanInput = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  ctx.addIssue({ code: 'custom', message: 'must be true or false' });
  return z.NEVER;
});
