/**
 * Runs a program with an argv array (never a shell string of ours) and returns
 * what it printed. A non-zero exit becomes an error that carries the command and
 * its stderr.
 */
import { getExecOutput } from '@actions/exec';
import { OperationalError } from '../core/errors.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode?: number;
}

export interface CommandRunner {
  run(
    program: string,
    args: readonly string[],
    /** failureIsAnswer: a non-zero exit is returned (with exitCode), for CLIs whose errors we read ourselves. */
    options?: { env?: Record<string, string>; input?: string; failureIsAnswer?: boolean; cwd?: string },
  ): Promise<CommandResult>;
}

export class CommandFailed extends OperationalError {
  override readonly name = 'CommandFailed';
}

export function execRunner(
  baseEnv: Readonly<Record<string, string | undefined>> = process.env,
): CommandRunner {
  return {
    async run(program, args, options = {}) {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...baseEnv, ...options.env })) if (v !== undefined) env[k] = v;
      const result = await getExecOutput(program, [...args], {
        env,
        silent: true,
        ignoreReturnCode: true,
        ...(options.cwd && { cwd: options.cwd }),
        ...(options.input !== undefined && { input: Buffer.from(options.input) }),
      }).catch((error: unknown) => {
        // @actions/io's paragraph about file modes, said as what to do.
        if (/Unable to locate executable file/.test(String(error)))
          throw new CommandFailed(
            `${program} was not found on PATH: install it in an earlier step of the job`,
          );
        throw error;
      });
      if (result.exitCode !== 0 && !options.failureIsAnswer) {
        const detail = (result.stderr.trim() || result.stdout.trim())
          .split('\n')
          .slice(-3)
          .join(' ')
          .slice(0, 400);
        throw new CommandFailed(
          `${describe(program, args)} exited ${result.exitCode}${detail ? `: ${detail}` : ''}`,
        );
      }
      return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    },
  };
}

function describe(program: string, args: readonly string[]): string {
  // The user's own script (after -c) is named by its first line only; it may be long.
  const c = args.indexOf('-c');
  if (program === 'bash' && c >= 0) return `command \`${(args[c + 1] ?? '').split('\n')[0]?.slice(0, 80)}\``;
  return [program, ...args.slice(0, 4)].join(' ');
}
