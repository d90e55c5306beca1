/**
 * EAS Update over its own CLI (eas-cli 24.8.0): the revisions are update groups, the
 * split is a branch's rollout. A rollout starts by republishing the canary group onto
 * the branch with --rollout-percentage, rises with update:edit, ends at 100 % or is
 * reverted with update:revert-update-rollout. The launches and crashes behind the
 * crash gate come from update:insights. Nothing is assumed: the branch is listed
 * again after every move.
 */
import {
  branchSplit,
  branchState,
  copyMessage,
  moveTo,
  nameOf,
  parseBranchGroups,
  parseInsights,
  type BranchGroup,
  type BranchState,
  type RolloutMove,
} from '../../core/traffic/eas-rollout.js';
import type { RouterCounts, RouterMetrics } from '../../core/traffic/gates.js';
import { sameSplit, type Split } from '../../core/traffic/split.js';
import type { CommandResult, CommandRunner } from '../exec.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

export interface EasUpdateOptions {
  branch: string;
  /** The Expo project: eas-cli reads its EAS project id from app.json there. */
  projectDir: string;
  /** Handed to the CLI as EXPO_TOKEN, never on its command line. */
  token?: string;
  /** The update groups the step names. */
  revisions: readonly string[];
  /**
   * The day (YYYY-MM-DD) launches are counted from. Fixed for the whole step so the
   * counts only grow: the CLI's default window (the last 7 days) slides, and launches
   * leaving it would look like a counter going down.
   */
  countFrom: string;
}

export function easUpdateProvider(options: EasUpdateOptions, runner: CommandRunner): TrafficProvider {
  return new EasBranch(options, runner);
}

class EasBranch implements TrafficProvider {
  readonly kind = 'eas-update';
  readonly counts = 'launches';

  constructor(
    private readonly options: EasUpdateOptions,
    private readonly runner: CommandRunner,
  ) {}

  private async eas(...args: string[]): Promise<CommandResult> {
    const { projectDir, token } = this.options;
    // update:view takes --json only; every other command here also --non-interactive.
    const flags = args[0] === 'update:view' ? ['--json'] : ['--json', '--non-interactive'];
    return this.runner.run('eas', [...args, ...flags], {
      cwd: projectDir,
      env: {
        ...(token && { EXPO_TOKEN: token }),
        // Our calls publish no new code, so they need no git state; analytics would
        // otherwise wait on cdp.expo.dev from runners without egress.
        EAS_NO_VCS: '1',
        EAS_PROJECT_ROOT: projectDir,
        DISABLE_EAS_ANALYTICS: '1',
      },
      failureIsAnswer: true,
    });
  }

  /** The branch's update groups, newest first. */
  private async groups(): Promise<BranchGroup[]> {
    const { branch } = this.options;
    const answer = await this.eas('update:list', '--branch', branch);
    try {
      return parseBranchGroups(answer.stdout);
    } catch {
      throw new ProviderError(
        `eas could not list the update groups on branch ${branch}: ${easError(answer)}`,
      );
    }
  }

  private async state(): Promise<BranchState> {
    return branchState(await this.groups());
  }

  async readSplit(): Promise<Split> {
    return branchSplit(await this.state(), this.options.revisions);
  }

  async setSplit(split: Split): Promise<void> {
    const before = await this.state();
    const move = moveTo(before, split, this.options.revisions);
    if (move.kind === 'none') return;
    const answer = await this.make(move);
    const now = branchSplit(await this.state(), this.options.revisions);
    if (!sameSplit(now, split))
      throw new ProviderError(
        `eas did not ${describeMove(move)}: ${answer.exitCode ? easError(answer) : 'the branch did not change'} (the branch serves ${JSON.stringify(now)})`,
      );
  }

  private async make(move: Exclude<RolloutMove, { kind: 'none' }>): Promise<CommandResult> {
    switch (move.kind) {
      case 'refuse':
        throw new ProviderError(`EAS cannot take this step: ${move.why}`);
      case 'start':
        return this.republish(
          move.group,
          move.percent < 100 ? copyMessage.rollout(move.group) : copyMessage.release(move.group),
          move.percent,
        );
      case 'raise':
        return this.eas('update:edit', move.group, '--rollout-percentage', String(move.percent));
      case 'revert':
        return this.eas(
          'update:revert-update-rollout',
          '--group',
          move.group,
          '--message',
          copyMessage.rollback(move.control),
        );
      case 'republish':
        return this.republish(move.group, copyMessage.rollback(move.group));
    }
  }

  /** A copy of `group` on the branch, for every device or (below 100) a rollout's share. */
  private republish(group: string, message: string, percent = 100): Promise<CommandResult> {
    return this.eas(
      'update:republish',
      '--group',
      group,
      '--destination-branch',
      this.options.branch,
      ...(percent < 100 ? ['--rollout-percentage', String(percent)] : []),
      '--message',
      message,
    );
  }

  /**
   * The branch's groups newest first, in the step's names: a rollback with no
   * to-revision returns to the one before (a rollout's control while it runs).
   * An update has no address of its own: it reaches devices, not a URL.
   */
  async listRevisions(): Promise<Revision[]> {
    const names = new Set((await this.groups()).map((g) => nameOf(g, this.options.revisions)));
    return [...names].map((name) => ({ name, ready: true }));
  }

  /** Launches and crashes of the groups the branch serves, under the step's names. */
  async metrics(): Promise<RouterMetrics> {
    const { newest, control } = await this.state();
    const serving = [newest, control].filter((g) => g !== undefined);
    const counts = await Promise.all(serving.map((g) => this.insights(g.group)));
    return Object.fromEntries(serving.map((g, i) => [nameOf(g, this.options.revisions), counts[i]!]));
  }

  private async insights(group: string): Promise<RouterCounts> {
    const answer = await this.eas('update:insights', group, '--start', this.options.countFrom);
    try {
      return parseInsights(answer.stdout);
    } catch {
      throw new ProviderError(
        `eas could not read the launches of update group ${group}: ${easError(answer)}`,
      );
    }
  }

  /** The canary is a group already published (on another branch, or rolling out here): checked, not moved. */
  async deploy(request: DeployRequest): Promise<Revision> {
    const answer = await this.eas('update:view', request.revision);
    if (answer.exitCode || !/^\s*\[/.test(answer.stdout))
      throw new ProviderError(`eas has no update group ${request.revision}: ${easError(answer)}`);
    return { name: request.revision, ready: true };
  }
}

function describeMove(move: RolloutMove): string {
  switch (move.kind) {
    case 'start':
      return move.percent < 100
        ? `start a rollout of ${move.group} at ${move.percent}%`
        : `republish ${move.group}`;
    case 'raise':
      return `raise the rollout to ${move.percent}%`;
    case 'revert':
      return `revert the rollout to ${move.control}`;
    case 'republish':
      return `republish ${move.group}`;
    default:
      return move.kind;
  }
}

/** Lines eas-cli prints on every call, which say nothing about what went wrong. */
const NOISE = [
  /^Using EAS CLI without version control/,
  /^Failed to get Git root/,
  /^Falling back to using/,
  /^You can set `?EAS_PROJECT_ROOT/,
  /^\s*Error: [\w:-]+ command failed\.?$/,
  /^\s*Error: GraphQL request failed\.?$/,
  /^at (\S+ \(|\/)/,
];

/** What eas-cli said went wrong: the server's [GraphQL]/[Network] message, else its own line. */
export function easError(answer: CommandResult): string {
  const text = `${answer.stderr}\n${answer.stdout}`;
  const server = /CombinedError: \[(?:GraphQL|Network)\] (.+)$/m.exec(text)?.[1];
  if (server) return server.slice(0, 300);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !NOISE.some((n) => n.test(l)));
  const said = (lines[0] ?? `exit ${answer.exitCode ?? 0}`).slice(0, 300);
  // eas says where it looked for the project only as "inside a project directory".
  return /inside a project directory/.test(said)
    ? `${said} (eas-project-dir must be the Expo project's directory, where app.json is)`
    : said;
}
