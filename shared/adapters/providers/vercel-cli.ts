/** The vercel CLI as provider: vercel calls it, and what it says when a call fails. */
import type { CommandResult, CommandRunner } from '../exec.js';

export type VercelCli = (...args: string[]) => Promise<CommandResult>;

/** Every call in the team's scope, with the token in its environment, never on its command line. */
export function vercelCli(options: { scope?: string; token?: string }, runner: CommandRunner): VercelCli {
  const { scope, token } = options;
  return (...args) =>
    runner.run('vercel', [...args, ...(scope ? ['--scope', scope] : []), '--non-interactive', '--no-color'], {
      env: {
        ...(token && { VERCEL_TOKEN: token }),
        NO_UPDATE_NOTIFIER: '1',
        VERCEL_TELEMETRY_DISABLED: '1',
      },
      failureIsAnswer: true,
    });
}

/** What the CLI said went wrong: its agent JSON on stdout, else its "Error:" line. */
export function cliError(answer: CommandResult): string {
  try {
    const doc = JSON.parse(answer.stdout) as {
      status?: string;
      message?: string;
      error?: { message?: string };
    };
    if (doc.status === 'error' && doc.message) return doc.message;
    // `vercel api` prints Vercel's own error body.
    if (doc.error?.message) return doc.error.message;
  } catch {
    // not JSON: the human output follows
  }
  const line = /^Error: (.*)$/m.exec(answer.stderr)?.[1];
  return (line ?? (answer.stderr.trim().split('\n').at(-1) || `exit ${answer.exitCode ?? 0}`)).slice(0, 300);
}
