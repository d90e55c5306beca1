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

/**
 * The platform or the state of the world said no (a router unreachable, a revision
 * that still serves traffic). Not the user's typo and not our bug: one line, no stack.
 */
export class OperationalError extends Error {
  override readonly name: string = 'OperationalError';
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
  issue = leafIssue(issue);
  const where = issue.path.length > 1 ? `${label ? label(issue.path) : formatIssuePath(issue.path)}: ` : '';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys')
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_type') {
    message = /received undefined/.test(message) ? 'is required' : `must be ${friendlyType(issue.expected)}`;
  }
  return `${where}${message.replace(/^Invalid input: /, '')}`;
}

/**
 * A union that failed reports every branch; the useful one is the branch that got
 * furthest into the value (a mapping that matched the object branch and then had a
 * bad field), not the one that failed on the type at the top.
 */
export function leafIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const depth = (i: z.core.$ZodIssue) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5);
  const best = issue.errors
    .map((branch) => branch[0])
    .filter((i): i is z.core.$ZodIssue => i !== undefined)
    .reduce((a, b) => (depth(b) > depth(a) ? b : a));
  if (best.code === 'invalid_type' && best.path.length === 0) {
    const expected = issue.errors
      .map((branch) => branch[0])
      .filter((i): i is z.core.$ZodIssueInvalidType => i?.code === 'invalid_type' && i.path.length === 0)
      .map((i) => i.expected);
    if (expected.length === issue.errors.length) {
      const kinds = [...new Set(expected.map(friendlyType))].join(' or ');
      return {
        code: 'custom',
        input: undefined,
        path: issue.path,
        message: `must be ${kinds}`,
      } as z.core.$ZodIssue;
    }
  }
  return leafIssue({ ...best, path: [...issue.path, ...best.path] } as z.core.$ZodIssue);
}

const TYPE_NAMES: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

function friendlyType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}
