/**
 * Regular expressions that users write (a probe's body-matches, a checklist's ignore
 * rules) run with RE2 semantics (re2js): time linear in the text, so a pattern such
 * as (a+)+$ cannot stall a probe past its timeout on a 1 MiB body, as JavaScript's
 * backtracking engine would. Backreferences and lookaround, which need backtracking,
 * are refused when the input is read.
 */
import { RE2JS } from 're2js';
import * as z from 'zod/mini';
import { refuse } from './schema-kit.js';

export interface UserPattern {
  test(text: string): boolean;
}

export function userPattern(
  source: string,
  options: { ignoreCase?: boolean; multiline?: boolean } = {},
): UserPattern {
  const flags = (options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (options.multiline ? RE2JS.MULTILINE : 0);
  const compiled = RE2JS.compile(source, flags);
  return { test: (text) => compiled.test(text) };
}

/** Why a pattern cannot be used, in RE2's words; undefined when it can. */
export function patternProblem(source: string): string | undefined {
  try {
    RE2JS.compile(source);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/** A pattern a user wrote, refused unless it runs in linear time; `message` says so in the input's words. */
export function linearPattern(message: (problem: string) => string) {
  return z.string().check(
    z.superRefine((source, ctx) => {
      const problem = patternProblem(source);
      if (problem) refuse(ctx, [], message(problem));
    }),
  );
}
