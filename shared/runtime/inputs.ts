/**
 * The one place that turns raw INPUT_* strings into typed settings. Everything
 * downstream takes the frozen settings object and never reads inputs itself.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigurationError, describeIssue, formatIssuePath, leafIssue } from '../core/errors.js';
import { urlSecrets } from '../core/url.js';
import type { Runtime } from './runtime.js';

export type InputSchema = z.ZodObject<Record<string, z.ZodType>>;

/** Example values, one line each, shown when an input is wrong. */
export type InputExamples<S extends InputSchema> = { [K in keyof z.input<S>]-?: string };

export function readSettings<S extends InputSchema>(
  runtime: Pick<Runtime, 'getInput'> & Partial<Pick<Runtime, 'setSecret'>>,
  schema: S,
  examples: InputExamples<S>,
): Readonly<z.output<S>> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    raw[name] = runtime.getInput(name);
    // Credentials written into a URL input are masked before validation, so not even
    // a refused value can reach the log.
    for (const secret of urlSecrets(raw[name])) runtime.setSecret?.(secret);
  }
  return parseSettings(schema, raw, examples);
}

export function parseSettings<S extends InputSchema>(
  schema: S,
  raw: Record<string, unknown>,
  examples: InputExamples<S>,
): Readonly<z.output<S>> {
  const result = schema.safeParse(raw);
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
export function yamlText<T extends z.ZodType>(inner: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return parseYaml(text) as unknown;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not valid YAML (${yamlErrorLine(error)})` });
        return z.NEVER;
      }
    })
    .pipe(inner);
}

/** An input that may be left empty: '' becomes undefined before validation. */
export function optionalInput<T extends z.ZodType>(inner: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner.optional());
}

/** The first line of a YAML error ("… at line 2, column 17"); later lines quote the source. */
export function yamlErrorLine(error: unknown): string {
  return (String((error as Error).message).split('\n')[0] ?? '').replace(/:$/, '');
}
