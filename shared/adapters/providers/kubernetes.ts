/**
 * Kubernetes over kubectl, so the caller's kubeconfig, context and credentials
 * (azure/aks-set-context, google-github-actions/get-gke-credentials, a KUBECONFIG
 * secret) just work. Traffic is a Gateway API HTTPRoute's backendRefs weights
 * between one Service per revision; a canary is deployed by setting its
 * Deployment's image and waiting for the rollout. Argv only; JSON read by the pure
 * parsers in core/traffic/kubernetes-json.
 */
import {
  imagePatch,
  missingFrom,
  newestFirst,
  parseRoute,
  parseServices,
  rolloutState,
  routeSplit,
  splitOfRule,
  splitPatch,
  trafficRules,
  type RouteRoles,
} from '../../core/traffic/kubernetes-json.js';
import { routeVerdict, unresolvedHarm } from '../../core/traffic/httproute-status.js';
import { sameSplit, type Split } from '../../core/traffic/split.js';
import type { Clock } from '../clock.js';
import type { CommandRunner } from '../exec.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

export interface KubernetesOptions {
  route: string;
  /** Empty: the kubeconfig context's namespace. */
  namespace?: string;
  context?: string;
  /** What the step's inputs name (stable-revision, canary-revision, to-revision): which rules carry the split. */
  roles: RouteRoles;
  /** deploy: the Deployment behind the canary Service; default: the revision's name. */
  deployment?: string;
  /** deploy: the container whose image is set; default: the first. */
  container?: string;
  rolloutTimeoutMs: number;
  pollMs?: number;
  /** How long the Gateway controller may take to report on a patched route. */
  routeTimeoutMs?: number;
}

export function kubernetesProvider(
  options: KubernetesOptions,
  runner: CommandRunner,
  clock: Pick<Clock, 'now' | 'sleep'>,
): TrafficProvider {
  return new KubernetesRouter(options, runner, clock);
}

class KubernetesRouter implements TrafficProvider {
  readonly kind = 'kubernetes';
  private readonly scope: string[];

  constructor(
    private readonly options: KubernetesOptions,
    private readonly runner: CommandRunner,
    private readonly clock: Pick<Clock, 'now' | 'sleep'>,
  ) {
    this.scope = [
      ...(options.context ? ['--context', options.context] : []),
      ...(options.namespace ? ['--namespace', options.namespace] : []),
      '--request-timeout',
      '30s',
    ];
  }

  // The verb first, so an error names what failed (`kubectl get httproute shop …`).
  private async kubectl(...args: string[]): Promise<string> {
    return (await this.runner.run('kubectl', [...args, ...this.scope])).stdout;
  }

  private async route() {
    return parseRoute(await this.kubectl('get', 'httproute', this.options.route, '--output', 'json'));
  }

  private async services() {
    return parseServices(await this.kubectl('get', 'services', '--output', 'json'));
  }

  async readSplit(): Promise<Split> {
    const r = await this.route();
    const { roles } = this.options;
    return routeSplit(r, trafficRules(r, roles), roles.stable ?? roles.target);
  }

  /** Written to the same rules readSplit reads, so what is set is what is read back. */
  async setSplit(split: Split): Promise<void> {
    const r = await this.route();
    const indexes = trafficRules(r, this.options.roles);
    if (indexes.every((i) => sameSplit(splitOfRule(r.rules[i] ?? []), split))) return;
    // A revision the rules lack gets its own Service's port: the Services are read only then.
    const services = missingFrom(r, indexes, split).length > 0 ? await this.services() : [];
    const patch = JSON.stringify(splitPatch(r, indexes, split, services, this.options.roles));
    const patched = parseRoute(
      await this.kubectl(
        'patch',
        'httproute',
        this.options.route,
        '--type',
        'json',
        '--patch',
        patch,
        '--output',
        'json',
      ),
    );
    await this.applied(patched.generation, indexes);
  }

  /**
   * Weights are only asked for until the Gateway says it took them: wait for its
   * report on this generation and fail the step on a route it refused or took only
   * in part, or on unresolved backends unless they are shown to carry none of the
   * written rules' traffic (else their users get 500s).
   */
  private async applied(generation: number, indexes: readonly number[]): Promise<void> {
    const timeoutMs = this.options.routeTimeoutMs ?? 30_000;
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      const route = await this.route();
      const verdict = routeVerdict(route, generation);
      if (verdict.kind === 'ok') return;
      if (verdict.kind === 'failed') {
        if (!verdict.unresolved) throw new ProviderError(verdict.detail);
        const harm = unresolvedHarm(route, indexes, await this.services(), verdict.detail);
        if (harm) throw new ProviderError(harm);
        return;
      }
      if (this.clock.now() >= deadline)
        throw new ProviderError(
          `${verdict.detail} after ${Math.round(timeoutMs / 1000)}s: without the route's status there is no telling the weights took effect`,
        );
      await this.clock.sleep(this.options.pollMs ?? 2000);
    }
  }

  async listRevisions(): Promise<Revision[]> {
    const [r, all, replicaSets, deployments] = await Promise.all([
      this.route(),
      this.services(),
      this.kubectl('get', 'replicasets', '--output', 'json'),
      this.kubectl('get', 'deployments', '--output', 'json'),
    ]);
    const inRoute = new Set(r.rules.flat().map((ref) => ref.name));
    // The route's Services, and any Service that says where it answers (a canary not
    // routed yet), newest rollout first.
    return newestFirst(
      all.filter((s) => inRoute.has(s.name) || s.url),
      replicaSets,
      deployments,
    ).map((s) => ({ name: s.name, ...(s.url && { url: s.url }) }));
  }

  async deploy(request: DeployRequest): Promise<Revision> {
    if (!request.image) throw new ProviderError('kubernetes needs the image to deploy');
    const deployment = this.options.deployment ?? request.revision;
    const current = await this.kubectl('get', 'deployment', deployment, '--output', 'json');
    const patch = JSON.stringify(imagePatch(current, request.image, this.options.container));
    await this.kubectl(
      'patch',
      'deployment',
      deployment,
      '--type',
      'json',
      '--patch',
      patch,
      '--output',
      'name',
    );
    await this.rolledOut(deployment);
    const url = (await this.services()).find((s) => s.name === request.revision)?.url;
    return { name: request.revision, ...(url && { url }) };
  }

  private async rolledOut(deployment: string): Promise<void> {
    const deadline = this.clock.now() + this.options.rolloutTimeoutMs;
    for (;;) {
      const state = rolloutState(await this.kubectl('get', 'deployment', deployment, '--output', 'json'));
      if (state.kind === 'done') return;
      if (state.kind === 'failed')
        throw new ProviderError(`the rollout of deployment ${deployment} failed: ${state.detail}`);
      if (this.clock.now() >= deadline)
        throw new ProviderError(
          `deployment ${deployment} did not finish rolling out in time (${state.detail})`,
        );
      await this.clock.sleep(this.options.pollMs ?? 2000);
    }
  }
}
