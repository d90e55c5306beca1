/** The repository's own history, through the git CLI in the workspace (argv only). */
import { OperationalError } from '../core/errors.js';
import { CommandFailed, type CommandRunner } from './exec.js';

export interface GitHistory {
  tags(): Promise<string[]>;
  /** The file's text at a release tag, or undefined when it did not exist there. */
  fileAt(tag: string, path: string): Promise<string | undefined>;
  isShallow(): Promise<boolean>;
}

export function gitHistory(runner: CommandRunner, workspace: string): GitHistory {
  const git = async (...args: string[]) => {
    try {
      return (await runner.run('git', ['-C', workspace, ...args])).stdout;
    } catch (error) {
      if (error instanceof CommandFailed && /not a git repository/i.test(error.message))
        throw new OperationalError(
          'the workspace is not a git checkout; run actions/checkout (with fetch-depth: 0 for tag checks) first',
        );
      throw error;
    }
  };
  return {
    async tags() {
      return (await git('tag', '--list'))
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean);
    },
    async fileAt(tag, path) {
      try {
        return await git('show', `refs/tags/${tag}:${path}`);
      } catch (error) {
        if (
          error instanceof CommandFailed &&
          /does not exist|exists on disk, but not in/i.test(error.message)
        )
          return undefined;
        throw error;
      }
    },
    async isShallow() {
      return (await git('rev-parse', '--is-shallow-repository')).trim() === 'true';
    },
  };
}
