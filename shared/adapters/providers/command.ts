/**
 * The user's own commands as a traffic router, for the platforms we have no adapter
 * for (docker compose over SSH, Vercel, Elastic Beanstalk, EAS updates, feature
 * flags). Each command runs in bash with the split in its environment, both as JSON
 * and one variable per revision, and answers in JSON on stdout.
 */
import {
  commandAnswer,
  deployedRevision,
  metricsJson,
  reportedSplit,
  revisionsJson,
  splitEnv,
  splitJson,
} from '../../core/traffic/command-answers.js';
import type { RouterMetrics } from '../../core/traffic/gates.js';
import type { CommandRunner } from '../exec.js';
import type { DeployRequest, Revision, TrafficProvider } from './provider.js';

export interface CommandProviderOptions {
  getSplit: string;
  setSplit: string;
  listRevisions?: string;
  deploy?: string;
  metrics?: string;
  /** Context every command sees: STABLE_REVISION, CANARY_REVISION … */
  env?: Record<string, string>;
}

export function commandProvider(options: CommandProviderOptions, runner: CommandRunner): TrafficProvider {
  const sh = async (script: string, env: Record<string, string> = {}) =>
    // As GitHub runs a `shell: bash` step: a failure anywhere in a pipeline fails the command.
    (
      await runner.run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        env: { ...options.env, ...env },
      })
    ).stdout;
  const { metrics, deploy, listRevisions } = options;

  // Every revision a split has named, so one that drops to 0 is still exported.
  const seen = new Set<string>();
  return {
    kind: 'command',
    async readSplit() {
      const read = commandAnswer('get-split', await sh(options.getSplit), splitJson);
      for (const revision of Object.keys(read)) seen.add(revision);
      return reportedSplit(read);
    },
    async setSplit(split) {
      await sh(options.setSplit, splitEnv(split, seen));
      for (const revision of Object.keys(split)) seen.add(revision);
    },
    async listRevisions(): Promise<Revision[]> {
      if (!listRevisions) return [];
      return commandAnswer('list-revisions', await sh(listRevisions), revisionsJson).map((r) => ({ ...r }));
    },
    ...(metrics && {
      metrics: async (): Promise<RouterMetrics> => commandAnswer('metrics', await sh(metrics), metricsJson),
    }),
    ...(deploy && {
      deploy: async (request: DeployRequest): Promise<Revision> =>
        deployedRevision(
          request.revision,
          await sh(deploy, {
            REVISION: request.revision,
            ...(request.address && { ADDRESS: request.address }),
          }),
        ),
    }),
  };
}
