/**
 * Vercel over its own CLI's rolling releases (`vercel rolling-release`, 58.10.0): a
 * rollout's first weight starts a release whose stages are the rollout's weights,
 * each later weight approves the next stage, 100 % completes it and a rollback aborts
 * it back to stable. The CLI sometimes prints "Error: …" and exits 0 (a preview given
 * to `start`), so no move is trusted: the release, and after an abort the deployment
 * serving the production domain, is read again after each one.
 */
import { sameSplit, type Split } from '../../core/traffic/split.js';
import {
  moveTo,
  parseInspectOutput,
  parseReleaseOutput,
  parseRollbackCandidate,
  releaseSplit,
  soleDeployment,
  type ReleaseMove,
  type RollingRelease,
  type VercelDeployment,
} from '../../core/traffic/vercel-release.js';
import type { CommandResult, CommandRunner } from '../exec.js';
import {
  ProviderError,
  type DeployRequest,
  type ProviderState,
  type Revision,
  type TrafficProvider,
} from './provider.js';
import { cliError, vercelCli, type VercelCli } from './vercel-cli.js';
import { ReleaseConfigKeeper } from './vercel-release-config.js';

export interface VercelOptions {
  project: string;
  /** The production domain: `vercel inspect` of it names the deployment serving production. */
  domain: string;
  /** The team slug (--scope); empty for the token's own scope. */
  scope?: string;
  /** Handed to the CLI as VERCEL_TOKEN, never on its command line. */
  token?: string;
  /** The revisions the step names: deployment ids (dpl_…) or hosts. */
  revisions: readonly string[];
  /** The one being released, when the step names it. */
  canary?: string;
  /** The rollout's weights, which become a new release's stages. */
  planned: readonly number[];
  /** Deployment Protection's bypass for automation, sent with every request to a deployment's own address. */
  protectionBypass?: string;
  /** Where the project's rolling-release configuration is kept for the post step. */
  state?: ProviderState;
}

export function vercelProvider(options: VercelOptions, runner: CommandRunner): TrafficProvider {
  return new VercelProject(options, runner);
}

class VercelProject implements TrafficProvider {
  readonly kind = 'vercel';
  private readonly deployments = new Map<string, Promise<VercelDeployment>>();
  private readonly vercel: VercelCli;
  private readonly config: ReleaseConfigKeeper;
  /** This run completed or aborted a release. */
  private endedOne = false;

  constructor(
    private readonly options: VercelOptions,
    runner: CommandRunner,
  ) {
    this.vercel = vercelCli(options, runner);
    const { project, planned, state } = options;
    this.config = new ReleaseConfigKeeper(this.vercel, { project, planned, ...(state && { state }) });
  }

  private async releaseCommand(subcommand: string, ...args: string[]): Promise<CommandResult> {
    return this.vercel('rolling-release', subcommand, '--project', this.options.project, ...args);
  }

  private async release(): Promise<RollingRelease | null> {
    const answer = await this.releaseCommand('fetch');
    try {
      return parseReleaseOutput(answer.stderr);
    } catch {
      throw new ProviderError(
        `vercel could not read the rolling release of ${this.options.project}: ${cliError(answer)}`,
      );
    }
  }

  /** `vercel inspect` of a deployment id, URL or domain; `problem` says what failed. */
  private async inspect(what: string, problem: string): Promise<VercelDeployment> {
    const answer = await this.vercel('inspect', what, '--json');
    try {
      return parseInspectOutput(answer.stdout);
    } catch {
      throw new ProviderError(`${problem}: ${cliError(answer)}`);
    }
  }

  /** A deployment by the id or URL the step gave, looked up once. */
  private deployment(name: string): Promise<VercelDeployment> {
    let found = this.deployments.get(name);
    if (!found) {
      found = this.inspect(name, `vercel has no deployment ${name} in ${this.options.project}`);
      this.deployments.set(name, found);
    }
    return found;
  }

  /** Deployment ids back to the names the step used (an id, or a host). */
  private async names(): Promise<Map<string, string>> {
    const { revisions } = this.options;
    // About a second per CLI call: the lookups run side by side.
    const found = await Promise.all(revisions.map((name) => this.deployment(name)));
    return new Map(found.map((d, i) => [d.id, revisions[i]!]));
  }

  /** The split in the step's own names, so it compares with its revisions. */
  private async named(split: Split): Promise<Split> {
    const byId = await this.names();
    return Object.fromEntries(Object.entries(split).map(([id, p]) => [byId.get(id) ?? id, p]));
  }

  private async byId(split: Split): Promise<Split> {
    const out: Record<string, number> = {};
    for (const [name, percent] of Object.entries(split)) out[(await this.deployment(name)).id] = percent;
    return out;
  }

  /** Who serves production now; looked up every time, as a rollback or promote moves it. */
  private production(): Promise<VercelDeployment> {
    const { domain } = this.options;
    return this.inspect(domain, `vercel could not tell which deployment serves ${domain}`);
  }

  /** An active release says how it splits; otherwise the domain's deployment has it all. */
  private async splitNow(): Promise<Split> {
    const release = await this.release();
    if (release?.state === 'ACTIVE') return releaseSplit(release);
    return { [(await this.production()).id]: 100 };
  }

  async readSplit(): Promise<Split> {
    return this.named(await this.splitNow());
  }

  async setSplit(split: Split): Promise<void> {
    const target = await this.byId(split);
    const { canary, planned } = this.options;
    const release = await this.release();
    const active = release?.state === 'ACTIVE';
    // A finished release's record goes stale once production moves: the domain is asked.
    const production = active ? undefined : (await this.production()).id;
    const sole = soleDeployment(target);
    const move = moveTo(active ? release : null, target, {
      planned,
      ...(canary && { canary: (await this.deployment(canary)).id }),
      ...(production && { production }),
      ...(production &&
        sole &&
        sole !== production && { servedProduction: await this.servedProduction(sole) }),
    });
    if (move.kind === 'none') return;
    const answer = await this.make(move);
    // Once no release is active this reads the deployment the production domain serves.
    const now = await this.splitNow();
    if (!sameSplit(now, target))
      throw new ProviderError(
        `vercel did not ${describeMove(move)}: ${cliError(answer)} (traffic is ${JSON.stringify(await this.named(now))})`,
      );
    if (move.kind === 'start') await this.config.releaseStarted();
    if (move.kind === 'complete' || move.kind === 'abort') this.endedOne = true;
  }

  async restore(): Promise<void> {
    await this.config.restore(await this.release(), this.endedOne);
  }

  /** Whether `id` served production before: only then may an instant rollback return to it. */
  private async servedProduction(id: string): Promise<boolean> {
    const answer = await this.vercel('api', `/v13/deployments/${encodeURIComponent(id)}`, '--raw');
    try {
      return parseRollbackCandidate(answer.stdout);
    } catch {
      throw new ProviderError(
        `vercel could not tell whether ${id} served production before: ${cliError(answer)}`,
      );
    }
  }

  private async make(move: Exclude<ReleaseMove, { kind: 'none' }>): Promise<CommandResult> {
    switch (move.kind) {
      case 'refuse':
        throw new ProviderError(`Vercel cannot take this step: ${move.why}`);
      case 'start': {
        await this.releasable(move.canary, 'a rolling release');
        await this.config.remember();
        const stages = move.stages.flatMap((p) => ['--stage', String(p)]);
        const configured = await this.releaseCommand(
          'configure',
          '--enable',
          '--advancement-type',
          'manual-approval',
          ...stages,
        );
        if (configured.exitCode)
          throw new ProviderError(`vercel could not configure rolling releases: ${cliError(configured)}`);
        return this.releaseCommand('start', '--dpl', move.canary);
      }
      case 'approve':
        return this.releaseCommand(
          'approve',
          '--dpl',
          move.canary,
          '--currentStageIndex',
          String(move.stageIndex),
        );
      case 'complete':
        return this.releaseCommand('complete', '--dpl', move.canary);
      case 'abort':
        // The CLI's --dpl is where the rollback goes (POST …/rollback/<dpl>): stable.
        return this.releaseCommand('abort', '--dpl', move.to);
      case 'rollback':
        return this.vercel('rollback', move.to, '--yes');
      case 'promote':
        return this.promote(move.to);
    }
  }

  /** A deployment that never served production: rolling releases on, Vercel starts one, which is completed. */
  private async promote(id: string): Promise<CommandResult> {
    await this.releasable(id, 'a promotion');
    const answer = await this.vercel('promote', id, '--yes');
    const release = await this.release();
    if (release?.state !== 'ACTIVE' || release.canary?.id !== id) return answer;
    this.endedOne = true;
    return this.releaseCommand('complete', '--dpl', id);
  }

  /** Vercel would rebuild a preview as a new deployment rather than release it: refused. */
  private async releasable(id: string, what: string): Promise<void> {
    const d = await this.deployment(id);
    if (d.target !== 'production')
      throw new ProviderError(
        `${id} is a preview deployment; ${what} needs a production one that serves no domain yet (vercel deploy --prod --skip-domain)`,
      );
    if (d.readyState !== 'READY')
      throw new ProviderError(`${id} is ${d.readyState}, not READY: it cannot take traffic`);
  }

  async listRevisions(): Promise<Revision[]> {
    const release = await this.release();
    const known = new Map<string, VercelDeployment>();
    const serving =
      release?.state === 'ACTIVE' ? [release.current, release.canary] : [await this.production()];
    for (const d of serving) if (d) known.set(d.id, d);
    for (const name of this.options.revisions) {
      const d = await this.deployment(name);
      known.set(d.id, d);
    }
    const byId = await this.names();
    return [...known.values()].map((d) => ({
      name: byId.get(d.id) ?? d.id,
      url: `https://${d.url}`,
      ready: d.readyState === 'READY',
      ...this.headers(),
    }));
  }

  /** The canary is a deployment Vercel already built: checked, given no traffic. */
  async deploy(request: DeployRequest): Promise<Revision> {
    const d = await this.deployment(request.revision);
    await this.releasable(d.id, 'a rolling release');
    return { name: request.revision, url: `https://${d.url}`, ready: true, ...this.headers() };
  }

  /** Deployment Protection answers 401 at a deployment's own address without it. */
  private headers(): Pick<Revision, 'headers'> {
    const bypass = this.options.protectionBypass;
    return bypass ? { headers: { 'x-vercel-protection-bypass': bypass } } : {};
  }
}

function describeMove(move: ReleaseMove): string {
  switch (move.kind) {
    case 'start':
      return `start a rolling release of ${move.canary} at ${move.stages[0]}%`;
    case 'approve':
      return `approve the rolling release's next stage`;
    case 'complete':
      return 'complete the rolling release';
    case 'abort':
      return `abort the rolling release back to ${move.to}`;
    case 'rollback':
      return `roll production back to ${move.to}`;
    case 'promote':
      return `promote ${move.to} to production`;
    default:
      return move.kind;
  }
}
