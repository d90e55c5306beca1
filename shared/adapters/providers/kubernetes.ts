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
  newestFirst,
  parseRoute,
  parseServices,
  rolloutState,
  routeVerdict,
  ruleIndexes,
  splitOfRule,
  splitPatch,
} from '../../core/traffic/kubernetes-json.js';
import { sameSplit, type Split } from '../../core/traffic/split.js';
import type { Clock } from '../clock.js';
import type { CommandRunner } from '../exec.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

export interface KubernetesOptions {
  route: string;
  /** Empty: the kubeconfig context's namespace. */
  namespace?: string;
  context?: string;
  /** The revisions this run names, to find the route rule that carries them. */
  revisions: string[];
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
  const scope = [
    ...(options.context ? ['--context', options.context] : []),
    ...(options.namespace ? ['--namespace', options.namespace] : []),
    '--request-timeout',
    '30s',
  ];
  // The verb first, so an error names what failed (`kubectl get httproute shop …`).
  const kubectl = async (...args: string[]) => (await runner.run('kubectl', [...args, ...scope])).stdout;
  const route = async () => parseRoute(await kubectl('get', 'httproute', options.route, '--output', 'json'));
  const services = async () => parseServices(await kubectl('get', 'services', '--output', 'json'));

  /**
   * Weights are only asked for until the Gateway says it took them: wait for its
   * report on this generation and fail the step on a route it refused, or on a
   * backend with traffic that does not resolve (its users get 500s).
   */
  const applied = async (generation: number, split: Split) => {
    const deadline = clock.now() + (options.routeTimeoutMs ?? 30_000);
    for (;;) {
      const verdict = routeVerdict(await route(), generation);
      if (verdict.kind === 'ok') return;
      if (verdict.kind === 'failed') {
        if (!verdict.unresolved) throw new ProviderError(verdict.detail);
        // Only a backend with weight hurts users; one left at 0 may stay unresolved.
        const known = new Set((await services()).map((s) => s.name));
        const missing = Object.entries(split).filter(([name, percent]) => percent > 0 && !known.has(name));
        if (missing.length > 0)
          throw new ProviderError(
            `${verdict.detail}: ${missing.map(([n, p]) => `${n} (${p}%)`).join(', ')} has no Service, so the Gateway answers its share with 500s`,
          );
        return;
      }
      if (clock.now() >= deadline)
        throw new ProviderError(
          `${verdict.detail} after ${Math.round((options.routeTimeoutMs ?? 30_000) / 1000)}s: without the route's status there is no telling the weights took effect`,
        );
      await clock.sleep(options.pollMs ?? 2000);
    }
  };

  return {
    kind: 'kubernetes',
    async readSplit() {
      const r = await route();
      return splitOfRule(r.rules[ruleIndexes(r, options.revisions)[0] as number] ?? []);
    },
    async setSplit(split) {
      const r = await route();
      const indexes = ruleIndexes(r, [...options.revisions, ...Object.keys(split)]);
      if (indexes.every((i) => sameSplit(splitOfRule(r.rules[i] ?? []), split))) return;
      const patched = parseRoute(
        await kubectl(
          'patch',
          'httproute',
          options.route,
          '--type',
          'json',
          '--patch',
          JSON.stringify(splitPatch(r, indexes, split)),
          '--output',
          'json',
        ),
      );
      await applied(patched.generation, split);
    },
    async listRevisions(): Promise<Revision[]> {
      const [r, all, replicaSets, deployments] = await Promise.all([
        route(),
        services(),
        kubectl('get', 'replicasets', '--output', 'json'),
        kubectl('get', 'deployments', '--output', 'json'),
      ]);
      const inRoute = new Set(r.rules.flat().map((ref) => ref.name));
      // The route's Services, and any Service that says where it answers (a canary not
      // routed yet), newest rollout first.
      return newestFirst(
        all.filter((s) => inRoute.has(s.name) || s.url),
        replicaSets,
        deployments,
      ).map((s) => ({ name: s.name, ...(s.url && { url: s.url }) }));
    },
    async deploy(request: DeployRequest): Promise<Revision> {
      if (!request.image) throw new ProviderError('kubernetes needs the image to deploy');
      const deployment = options.deployment ?? request.revision;
      const current = await kubectl('get', 'deployment', deployment, '--output', 'json');
      await kubectl(
        'patch',
        'deployment',
        deployment,
        '--type',
        'json',
        '--patch',
        JSON.stringify(imagePatch(current, request.image, options.container)),
        '--output',
        'name',
      );
      const deadline = clock.now() + options.rolloutTimeoutMs;
      for (;;) {
        const state = rolloutState(await kubectl('get', 'deployment', deployment, '--output', 'json'));
        if (state.kind === 'done') break;
        if (state.kind === 'failed')
          throw new ProviderError(`the rollout of deployment ${deployment} failed: ${state.detail}`);
        if (clock.now() >= deadline)
          throw new ProviderError(
            `deployment ${deployment} did not finish rolling out in time (${state.detail})`,
          );
        await clock.sleep(options.pollMs ?? 2000);
      }
      const url = (await services()).find((s) => s.name === request.revision)?.url;
      return { name: request.revision, ...(url && { url }) };
    },
  };
}
