/**
 * The project's rolling-release configuration around a run. A release takes its
 * stages from it when it starts, so shift-traffic sets its own first; what was
 * there is read before (and kept in GITHUB_STATE for the post step) and put back:
 * an enabled configuration at once, since a change "does not alter a rollout that's
 * already in-flight" (PATCH …/rolling-release/config, Vercel's REST reference); a
 * disabled one only once no release is active, as disabling resolves an active
 * release, by default by aborting it.
 */
import {
  describeConfig,
  isPlanConfig,
  parseConfigOutput,
  restoreArgs,
  sameConfig,
  type ReleaseConfig,
} from '../../core/traffic/vercel-config.js';
import type { RollingRelease } from '../../core/traffic/vercel-release.js';
import { ProviderError, type ProviderState } from './provider.js';
import { cliError, type VercelCli } from './vercel-cli.js';

const STATE = 'vercel-rolling-release-config';

export class ReleaseConfigKeeper {
  /** What the project had before this run set its own; undefined until read, and once put back. */
  private original: { config: ReleaseConfig | null } | undefined;

  constructor(
    private readonly cli: VercelCli,
    private readonly options: { project: string; planned: readonly number[]; state?: ProviderState },
  ) {
    // In the post step: what the main step read.
    const saved = options.state?.read(STATE);
    if (saved) this.original = JSON.parse(saved) as { config: ReleaseConfig | null };
  }

  /** Before shift-traffic sets its stages: what is there, read once. */
  async remember(): Promise<void> {
    if (this.original) return;
    this.original = { config: await this.read() };
    this.options.state?.save(STATE, JSON.stringify(this.original));
  }

  /** A release has started: an enabled configuration goes back now (restore() reports a failure). */
  async releaseStarted(): Promise<void> {
    if (this.original?.config) await this.putBack().catch(() => undefined);
  }

  /** The run is over: what was there goes back, or an error says why it cannot. */
  async restore(release: RollingRelease | null, endedOne: boolean): Promise<void> {
    const { project, planned } = this.options;
    const disable = `vercel rolling-release configure --disable --project ${project}`;
    if (!this.original) {
      if (!endedOne) return;
      const now = await this.read();
      if (isPlanConfig(now, planned))
        throw new ProviderError(
          `rolling releases on ${project} are still as an earlier run of shift-traffic set them (${describeConfig(now)}), and what was there before it is not known to this run; if Git deploys should reach production at once, run ${disable}`,
        );
      return;
    }
    if (this.original.config === null && release?.state === 'ACTIVE')
      throw new ProviderError(
        `rolling releases stay on for ${project} while the release of ${release.canary?.id ?? 'the canary'} is at ${release.canaryPercent}%: turning them off now would abort it; once it ends, run ${disable}`,
      );
    await this.putBack();
  }

  private async putBack(): Promise<void> {
    const { project } = this.options;
    const want = this.original!.config;
    const answer = await this.cli('rolling-release', 'configure', '--project', project, ...restoreArgs(want));
    const now = await this.read();
    if (!sameConfig(now, want))
      throw new ProviderError(
        `vercel did not put back the rolling-release configuration of ${project} (${describeConfig(want)}; it is ${describeConfig(now)}): ${cliError(answer)}`,
      );
    this.original = undefined;
    this.options.state?.save(STATE, '');
  }

  private async read(): Promise<ReleaseConfig | null> {
    const { project } = this.options;
    const answer = await this.cli(
      'api',
      `/v1/projects/${encodeURIComponent(project)}/rolling-release/config`,
      '--raw',
    );
    try {
      return parseConfigOutput(answer.stdout);
    } catch {
      throw new ProviderError(
        `vercel could not read the rolling-release configuration of ${project}: ${cliError(answer)}`,
      );
    }
  }
}
