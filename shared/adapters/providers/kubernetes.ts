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
  ruleIndex,
  splitOfRule,
  splitPatch,
} from '../../core/traffic/kubernetes-json.js';
import { sameSplit } from '../../core/traffic/split.js';
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

  return {
    kind: 'kubernetes',
    async readSplit() {
      const r = await route();
      return splitOfRule(r.rules[ruleIndex(r, options.revisions)] ?? []);
    },
    async setSplit(split) {
      const r = await route();
      const index = ruleIndex(r, [...options.revisions, ...Object.keys(split)]);
      if (sameSplit(splitOfRule(r.rules[index] ?? []), split)) return;
      await kubectl(
        'patch',
        'httproute',
        options.route,
        '--type',
        'json',
        '--patch',
        JSON.stringify(splitPatch(r, index, split)),
        '--output',
        'name',
      );
    },
    async listRevisions(): Promise<Revision[]> {
      const [r, all, replicaSets] = await Promise.all([
        route(),
        services(),
        kubectl('get', 'replicasets', '--output', 'json'),
      ]);
      const inRoute = new Set(r.rules.flat().map((ref) => ref.name));
      // The route's Services, and any Service that says where it answers (a canary not
      // routed yet), newest rollout first.
      return newestFirst(
        all.filter((s) => inRoute.has(s.name) || s.url),
        replicaSets,
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
