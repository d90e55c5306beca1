/**
 * Regular expressions that users write (a probe's body-matches, a checklist's ignore
 * rules) run with RE2 semantics (re2js): time linear in the text, so a pattern such
 * as (a+)+$ cannot stall a probe past its timeout on a 1 MiB body, as JavaScript's
 * backtracking engine would. Backreferences and lookaround, which need backtracking,
 * are refused when the input is read.
 */
import type { RE2JS } from 're2js';
import * as z from 'zod/mini';
import { refuse } from './schema-kit.js';

export interface UserPattern {
  test(text: string): boolean;
}

type PatternEngine = typeof RE2JS;
let engine: PatternEngine | undefined;

/**
 * re2js is a third of every bundle and builds its tables when loaded: about 6 ms of
 * each action's cold start. It is loaded when the first pattern is read, so the many
 * steps that have none never pay for it (settings are parsed asynchronously for this).
 */
export async function loadPatternEngine(): Promise<PatternEngine> {
  engine ??= (await import('re2js')).RE2JS;
  return engine;
}

/** A pattern that was read with its input, and so already checked by linearPattern. */
export function userPattern(
  source: string,
  options: { ignoreCase?: boolean; multiline?: boolean } = {},
): UserPattern {
  if (!engine) throw new Error(`pattern ${JSON.stringify(source)} used before any pattern input was read`);
  const flags =
    (options.ignoreCase ? engine.CASE_INSENSITIVE : 0) | (options.multiline ? engine.MULTILINE : 0);
  const compiled = engine.compile(source, flags);
  return { test: (text) => compiled.test(text) };
}

/** Why a pattern cannot be used, in RE2's words; undefined when it can. */
export async function patternProblem(source: string): Promise<string | undefined> {
  const re2 = await loadPatternEngine();
  try {
    re2.compile(source);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/**
 * A pattern a user wrote, refused unless it runs in linear time; `message` says so in
 * the input's words. The check is asynchronous: parse with safeParseAsync.
 */
export function linearPattern(message: (problem: string) => string) {
  return z.string().check(
    z.superRefine(async (source, ctx) => {
      const problem = await patternProblem(source);
      if (problem) refuse(ctx, [], message(problem));
    }),
  );
}
