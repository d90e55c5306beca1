/** A recipe in workflows-examples/: the `with:` and `env:` of its step that uses an action. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './run-action.js';

export type Step = { uses?: string; with?: Record<string, string>; env?: Record<string, string> };

export function recipe(file: string, action: string): Step {
  const doc = parse(readFileSync(path.join(repoRoot, 'workflows-examples', file), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const step = Object.values(doc.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.includes(`/${action}@`));
  if (!step) throw new Error(`${file} has no ${action} step`);
  return step;
}
