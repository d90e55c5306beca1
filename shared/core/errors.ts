import type { z } from 'zod';

/**
 * A mistake in what the user wrote (an input, a config file). It reads as one
 * sentence naming the input, what is wrong and a value that would work; it never
 * carries a stack trace to the log, unlike a bug.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly example?: string,
  ) {
    super(`Input '${input}' ${problem}${example ? `. Example: ${example}` : ''}`);
  }
}

type PathKey = PropertyKey;

/** `probes[1].expect.status` from zod's issue path; the first element names the input. */
export function formatIssuePath(path: readonly PathKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * One sentence for the first problem zod found. zod's own messages already say what
 * was expected without echoing the value, which matters when the value is a secret.
 */
export function describeIssue(issue: z.core.$ZodIssue, label?: (path: readonly PathKey[]) => string): string {
  const where = issue.path.length > 1 ? `${label ? label(issue.path) : formatIssuePath(issue.path)}: ` : '';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
  return `${where}${message.replace(/^Invalid input: /, '')}`;
}
