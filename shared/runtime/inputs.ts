/**
 * The one place that turns raw INPUT_* strings into typed settings. Everything
 * downstream takes the frozen settings object and never reads inputs itself.
 */
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import { ConfigurationError } from '../core/errors.js';
import { parseSettings, type InputExamples, type InputSchema } from '../core/schema-kit.js';
import { webhookSecrets } from '../core/notify/webhook-input.js';
import { urlSecrets } from '../core/url.js';
import type { Runtime } from './runtime.js';

// An action parses its inputs once per process. zod's JIT (compiling each object
// schema with new Function) pays off over thousands of parses, not one: measured
// on a cold start, jitless is faster.
// zod/mini carries no messages of its own; ours build on its English ones ("expected
// string, received number").
z.config({ ...english(), jitless: true });

/** The inputs whose action.yml default is an expression (github.token, github.sha). */
export const EXPRESSION_DEFAULTS: ReadonlySet<string> = new Set(['github-token', 'sha']);

export async function readSettings<S extends InputSchema>(
  runtime: Pick<Runtime, 'getInput'> & Partial<Pick<Runtime, 'setSecret'>>,
  schema: S,
  examples: InputExamples<S>,
): Promise<Readonly<z.output<S>>> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    raw[name] = runtime.getInput(name);
    // Credentials written into a URL input are masked before validation, so not even
    // a refused value can reach the log.
    for (const secret of urlSecrets(raw[name])) runtime.setSecret?.(secret);
    if (name.endsWith('webhook-url'))
      for (const secret of webhookSecrets(raw[name])) runtime.setSecret?.(secret);
    // The runner expands expressions before an action starts; a default left as
    // written means the action runs elsewhere (local-action, a test). Only the inputs
    // whose default is an expression are read so: in free text (an impact quoting a
    // workflow) `${{ }}` is text like any other.
    const unexpanded = EXPRESSION_DEFAULTS.has(name)
      ? /^\s*(\$\{\{[^}]*\}\})\s*$/.exec(raw[name] as string)?.[1]
      : undefined;
    if (unexpanded)
      throw new ConfigurationError(
        name,
        `holds ${unexpanded}, an expression no runner expanded; outside GitHub Actions set INPUT_${name.toUpperCase()} to the value itself`,
        (examples as Record<string, string>)[name] ?? `${name}: …`,
      );
    // Every token input (github-token, prometheus-token, vercel-token) and
    // vercel-protection-bypass, in every step that reads it; after the check above,
    // which names an unexpanded default rather than a secret.
    if (/-token$|-protection-bypass$/.test(name) && raw[name]?.trim()) runtime.setSecret?.(raw[name].trim());
  }
  return parseSettings(schema, raw, examples);
}
