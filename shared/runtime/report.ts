/**
 * Writes an action's result: outputs, annotations and the job summary (written
 * once). Every string passes the redactor on the way out, so a secret that slipped
 * into a reason or a report still never reaches a log, an output or a summary.
 */
import type { ActionResult } from '../core/action-result.js';
import { dryRunResult } from '../core/traffic/dry-run.js';
import type { Runtime } from './runtime.js';

export type { ActionResult, Annotation } from '../core/action-result.js';

export class Redactor {
  private readonly secrets: string[];
  constructor(secrets: Iterable<string>) {
    this.secrets = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  }
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

/** Registers secrets with the runner before anything could print them. */
export function maskSecrets(runtime: Pick<Runtime, 'setSecret'>, secrets: Iterable<string>): Redactor {
  const redactor = new Redactor(secrets);
  for (const secret of new Set(secrets)) if (secret) runtime.setSecret(secret);
  return redactor;
}

export async function publish(
  runtime: Runtime,
  result: ActionResult,
  redactor = new Redactor([]),
): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) runtime.setOutput(name, redactor.redact(value));
  // The failure line is printed once: an error annotation saying the same is that line,
  // with its title.
  const same = result.annotations.find((a) => a.level === 'error' && a.message === result.failure);
  for (const a of result.annotations)
    if (a !== same) runtime[a.level](redactor.redact(a.message), a.properties);
  if (result.summary) await runtime.writeSummary(redactor.redact(result.summary));
  if (result.failure) runtime.setFailed(redactor.redact(result.failure), same?.properties);
}

/** A dry run's end: each line in the log, then the same lines in the summary; nothing else. */
export async function publishDryRun(
  runtime: Runtime,
  action: string,
  lines: readonly string[],
  outputs: Record<string, string>,
  redactor: Redactor,
): Promise<void> {
  for (const line of lines) runtime.info(redactor.redact(line));
  await publish(runtime, dryRunResult(action, lines, outputs), redactor);
}
