/**
 * The user's own commands as a traffic router, for the platforms we have no adapter
 * for (docker compose over SSH, Vercel, Elastic Beanstalk, EAS updates, feature
 * flags). Each command runs in bash with the split in its environment, both as JSON
 * and one variable per revision, and answers in JSON on stdout.
 */
import { z } from 'zod';
import type { RouterMetrics } from '../../core/traffic/gates.js';
import { normalizeSplit, splitTotal, type Split } from '../../core/traffic/split.js';
import type { CommandRunner } from '../exec.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

export interface CommandProviderOptions {
  getSplit: string;
  setSplit: string;
  listRevisions?: string;
  deploy?: string;
  metrics?: string;
  /** Context every command sees: STABLE_REVISION, CANARY_REVISION … */
  env?: Record<string, string>;
}

const splitJson = z.record(z.string().min(1), z.number().min(0).max(100));
const revisionsJson = z.array(
  z.union([
    z
      .string()
      .min(1)
      .transform((name) => ({ name })),
    z.object({ name: z.string().min(1), url: z.string().optional() }),
  ]),
);
const metricsJson = z.record(
  z.string(),
  z.object({ requests: z.number().min(0), errors5xx: z.number().min(0) }),
);

/** `SPLIT_GREEN_V2=10` for revision green-v2: a name made safe for the environment. */
export function splitVariable(revision: string): string {
  return `SPLIT_${revision.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * SPLIT_JSON and one SPLIT_<REVISION> per revision, 0 included for every revision
 * the provider has seen: a rollback to {off: 100} still sets SPLIT_ON=0, so a
 * recipe that reads SPLIT_ON never sends an empty value.
 */
export function splitEnv(split: Split, known: Iterable<string> = []): Record<string, string> {
  const env: Record<string, string> = { SPLIT_JSON: JSON.stringify(normalizeSplit(split)) };
  for (const revision of known) env[splitVariable(revision)] = '0';
  for (const [revision, percent] of Object.entries(split)) env[splitVariable(revision)] = String(percent);
  return env;
}

export function commandProvider(options: CommandProviderOptions, runner: CommandRunner): TrafficProvider {
  const sh = async (script: string, env: Record<string, string> = {}) =>
    // As GitHub runs a `shell: bash` step: a failure anywhere in a pipeline fails the command.
    (
      await runner.run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        env: { ...options.env, ...env },
      })
    ).stdout;

  const parse = <T>(what: string, text: string, schema: z.ZodType<T>): T => {
    let value: unknown;
    try {
      value = JSON.parse(text.trim().split('\n').pop() ?? '');
    } catch {
      throw new ProviderError(
        `the ${what} command must print JSON on its last line; it printed ${JSON.stringify(text.trim().slice(-120))}`,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new ProviderError(
        `the ${what} command printed JSON of the wrong shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    return parsed.data;
  };

  // Every revision a split has named, so one that drops to 0 is still exported.
  const seen = new Set<string>();
  const provider: TrafficProvider = {
    kind: 'command',
    async readSplit() {
      const read = parse('get-split', await sh(options.getSplit), splitJson);
      for (const revision of Object.keys(read)) seen.add(revision);
      const split = normalizeSplit(read);
      if (Object.keys(split).length > 0 && splitTotal(split) !== 100) {
        throw new ProviderError(
          `the get-split command reported shares that add up to ${splitTotal(split)}%, not 100%`,
        );
      }
      return split;
    },
    async setSplit(split) {
      await sh(options.setSplit, splitEnv(split, seen));
      for (const revision of Object.keys(split)) seen.add(revision);
    },
    async listRevisions(): Promise<Revision[]> {
      if (!options.listRevisions) return [];
      return parse('list-revisions', await sh(options.listRevisions), revisionsJson).map((r) => ({ ...r }));
    },
  };
  if (options.metrics) {
    const script = options.metrics;
    provider.metrics = async (): Promise<RouterMetrics> => parse('metrics', await sh(script), metricsJson);
  }
  if (options.deploy) {
    const script = options.deploy;
    provider.deploy = async (request: DeployRequest): Promise<Revision> => {
      const out = await sh(script, {
        REVISION: request.revision,
        ...(request.address && { ADDRESS: request.address }),
      });
      const last = out.trim().split('\n').pop() ?? '';
      if (!last.startsWith('{')) return { name: request.revision };
      const info = parse(
        'deploy',
        out,
        z.object({ name: z.string().optional(), url: z.string().optional() }),
      );
      return { name: info.name ?? request.revision, ...(info.url && { url: info.url }) };
    };
  }
  return provider;
}
