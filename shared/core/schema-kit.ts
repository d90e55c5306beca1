/** zod building blocks shared by every action's settings. */
import * as z from 'zod/mini';
import { parseDuration } from './duration.js';
import { ConfigurationError, describeIssue, formatIssuePath, leafIssue } from './errors.js';
import { parseYaml } from './yaml-text.js';

/**
 * Node's timers hold at most 2^31−1 ms (about 24.8 days); a longer setTimeout fires
 * after 1 ms, so a 30-day pause would end at once. No duration may exceed it.
 */
export const MAX_DURATION_MS = 2_147_483_647;

export const duration = (what = 'a duration', bounds: { min?: number } = {}) =>
  z.pipe(
    z.union([z.number(), z.string()]),
    z.transform((value, ctx) => {
      const ms = parseDuration(String(value));
      if (ms === undefined) {
        refuse(ctx, [], `must be ${what} such as 500ms, 10s or 2m`);
        return z.NEVER;
      }
      if (ms > MAX_DURATION_MS) {
        refuse(ctx, [], 'must be at most 24d (a runner timer holds no more)');
        return z.NEVER;
      }
      if (bounds.min !== undefined && ms < bounds.min) {
        refuse(ctx, [], `must be at least ${bounds.min}ms`);
        return z.NEVER;
      }
      return ms;
    }),
  );

/** A time limit: zero would fail everything at once. */
export const timeLimit = () => duration('a duration', { min: 1 });

/** A whole number written either as a YAML number or as an input string. */
export const wholeNumber = (min: number, max: number) =>
  z.pipe(
    z.pipe(
      z.union([
        z.number(),
        z
          .string()
          .check(z.trim())
          .check(z.regex(/^-?\d+$/, `must be a whole number from ${min} to ${max}`)),
      ]),
      z.transform(Number),
    ),
    z
      .number()
      .check(z.refine((n: number) => Number.isSafeInteger(n), `must be a whole number from ${min} to ${max}`))
      .check(z.gte(min, `must be at least ${min}`))
      .check(z.lte(max, `must be at most ${max}`)),
  );

/** Actions inputs follow YAML 1.2 core booleans, like @actions/core's getBooleanInput. */
export const booleanInput = z.pipe(
  z.union([z.boolean(), z.string()]),
  z.transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    if (/^(true|True|TRUE)$/.test(value)) return true;
    if (/^(false|False|FALSE)$/.test(value)) return false;
    refuse(ctx, [], 'must be true or false');
    return z.NEVER;
  }),
);

export type InputSchema = z.ZodMiniObject<Record<string, z.ZodMiniType>>;

/** Example values, one line each, shown when an input is wrong. */
export type InputExamples<S extends InputSchema> = { [K in keyof z.input<S>]-?: string };

/** Asynchronous because a pattern's check loads its engine (user-pattern.ts). */
export async function parseSettings<S extends InputSchema>(
  schema: S,
  raw: Record<string, unknown>,
  examples: InputExamples<S>,
): Promise<Readonly<z.output<S>>> {
  const result = await schema.safeParseAsync(raw);
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const input = String(issue.path[0] ?? Object.keys(schema.shape)[0]);
  throw new ConfigurationError(input, problemText(issue), (examples as Record<string, string>)[input]);
}

export function problemText(issue: z.core.$ZodIssue): string {
  issue = leafIssue(issue);
  const text = describeIssue(issue);
  return issue.path.length > 1
    ? `is invalid at ${formatIssuePath(issue.path)}: ${text.slice(text.indexOf(': ') + 2)}`
    : text;
}

/**
 * A YAML document inside a string input (or file). Only the first line of a YAML
 * error is kept: the rest quotes the source, which may hold a secret.
 */
export function yamlText<T extends z.ZodMiniType>(inner: T) {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform(async (text, ctx) => {
        try {
          return await parseYaml(text);
        } catch (error) {
          refuse(ctx, [], `is not valid YAML (${yamlErrorLine(error)})`);
          return z.NEVER;
        }
      }),
    ),
    inner,
  );
}

/** An input that may be left empty: '' becomes undefined before validation. */
export function optionalInput<T extends z.ZodMiniType>(inner: T) {
  return z.pipe(
    z.transform((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v)),
    z.optional(inner),
  );
}

/** The first line of a YAML error ("… at line 2, column 17"); later lines quote the source. */
export function yamlErrorLine(error: unknown): string {
  return (String((error as Error).message).split('\n')[0] ?? '').replace(/:$/, '');
}

/**
 * The one way a refinement refuses an input: `refuse(ctx, 'image', 'is required
 * with provider: kubernetes')`. A path of [] refuses the value being refined itself.
 */
export function refuse(
  ctx: z.core.$RefinementCtx | z.core.ParsePayload,
  path: string | readonly PropertyKey[],
  message: string,
): void {
  const issue = {
    code: 'custom' as const,
    path: typeof path === 'string' ? [path] : [...path],
    message,
    input: ctx.value,
  };
  // A refinement's context has addIssue; a transform's (zod/mini) is the parse payload itself.
  if ('addIssue' in ctx) ctx.addIssue(issue);
  else ctx.issues.push(issue);
}

/** The entries of a list input: one per line or comma-separated, blanks dropped. */
export function listEntries(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A list input (one per line or comma-separated), the entries checked by `list`. */
export function listInput<T extends z.ZodMiniType<unknown, string>>(list: z.ZodMiniArray<T>) {
  return z.pipe(z.pipe(z.string(), z.transform(listEntries)), list);
}
