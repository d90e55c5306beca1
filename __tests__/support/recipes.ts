/** A recipe in workflows-examples/: the `with:` and `env:` of its step that uses an action. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * An example workflow as written but for its waits (`[long, short]` text swaps, each
 * of which must be there), in a directory of its own with a `bin/` whose `npm` stands
 * in for the runner's: it records `npm install --global <spec>` and does nothing more,
 * as the CLI is already on PATH. Returns the workflow's path and the bin directory.
 */
export function exampleInSeconds(
  file: string,
  swaps: readonly (readonly [string, string])[],
  installs: string,
): { workflow: string; bin: string; installed: () => string } {
  let text = readFileSync(path.join(repoRoot, 'workflows-examples', file), 'utf8');
  for (const [long, short] of swaps) {
    if (!text.includes(long)) throw new Error(`${file} no longer says ${long}`);
    text = text.replace(long, short);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-example-'));
  const workflow = path.join(dir, '.github', 'workflows', file);
  mkdirSync(path.dirname(workflow), { recursive: true });
  writeFileSync(workflow, text);
  const bin = path.join(dir, 'bin');
  const log = path.join(bin, 'installed');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'npm'),
    `#!/bin/bash\n[ "$*" = "install --global ${installs}" ] && echo "$*" >> '${log}' && exit 0\nexit 1\n`,
    { mode: 0o755 },
  );
  return { workflow, bin, installed: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}
