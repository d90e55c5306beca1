/**
 * Pure readers and writers for the Kubernetes objects the kubernetes provider
 * touches: a Gateway API HTTPRoute whose backendRefs weights are the split between
 * Services (one Service per revision), and the canary's Deployment. kubectl prints
 * the JSON; these functions decide what it means and what to patch.
 */
import { OperationalError } from '../errors.js';
import { normalizeSplit, type Split } from './split.js';

type Json = Record<string, unknown>;

export interface BackendRef extends Json {
  name: string;
  weight?: number;
}

export interface RouteRules {
  resourceVersion: string;
  rules: BackendRef[][];
}

export type JsonPatch = { op: 'test' | 'replace'; path: string; value: unknown }[];

/** What the cluster holds does not fit the provider (not a bug of ours): one clear line. */
export class KubernetesJsonError extends OperationalError {
  override readonly name = 'KubernetesJsonError';
}

function parse(text: string, what: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  } catch {
    // reported below
  }
  throw new KubernetesJsonError(`kubectl printed something that is not a ${what} in JSON`);
}

export function parseRoute(text: string): RouteRules {
  const route = parse(text, 'HTTPRoute');
  const spec = (route['spec'] ?? {}) as Json;
  const rules = Array.isArray(spec['rules']) ? (spec['rules'] as Json[]) : [];
  return {
    resourceVersion: String(((route['metadata'] ?? {}) as Json)['resourceVersion'] ?? ''),
    rules: rules.map((rule) =>
      (Array.isArray(rule['backendRefs']) ? (rule['backendRefs'] as Json[]) : []).filter(
        (ref): ref is BackendRef =>
          typeof ref['name'] === 'string' && (ref['kind'] === undefined || ref['kind'] === 'Service'),
      ),
    ),
  };
}

/**
 * The rule that carries the revisions: the first that names one of them; else the
 * only rule with backends. With several candidates it refuses to guess which
 * traffic is meant.
 */
export function ruleIndex(route: RouteRules, revisions: readonly string[]): number {
  const named = route.rules.findIndex((refs) => refs.some((r) => revisions.includes(r.name)));
  if (named >= 0) return named;
  const withBackends = route.rules.flatMap((refs, i) => (refs.length > 0 ? [i] : []));
  if (withBackends.length === 1) return withBackends[0] as number;
  if (withBackends.length === 0)
    throw new KubernetesJsonError('the HTTPRoute has no rule with Service backendRefs');
  throw new KubernetesJsonError(
    `the HTTPRoute has ${withBackends.length} rules with backends and none names ${revisions.join(' or ') || 'a revision of this run'}; name the revision (stable-revision, or to-revision for a rollback) so the right rule is used`,
  );
}

/** Gateway API weights are relative (a missing weight is 1); the split is in percent. */
export function splitOfRule(refs: readonly BackendRef[]): Split {
  const weights: Record<string, number> = {};
  for (const ref of refs) weights[ref.name] = (weights[ref.name] ?? 0) + (ref.weight ?? 1);
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  if (total === 0) return {};
  // Largest remainder, so the percents add up to 100 (weights 1:1:1 → 34/33/33).
  const exact = Object.entries(weights).map(([name, w]) => ({ name, value: (w * 100) / total }));
  const percents = Object.fromEntries(exact.map((e) => [e.name, Math.floor(e.value)]));
  let left = 100 - Object.values(percents).reduce((a, b) => a + b, 0);
  for (const e of [...exact].sort((a, b) => (b.value % 1) - (a.value % 1))) {
    if (left-- <= 0) break;
    percents[e.name] = (percents[e.name] ?? 0) + 1;
  }
  return normalizeSplit(percents);
}

/**
 * The patch that gives the rule this split: each backendRef keeps its other fields
 * (port, namespace); a revision the rule lacks is added with the port of the first;
 * a revision outside the split keeps its place at weight 0. The resourceVersion test
 * makes a concurrent edit fail the patch instead of being overwritten.
 */
export function splitPatch(route: RouteRules, index: number, split: Split): JsonPatch {
  const refs = route.rules[index] ?? [];
  const weights = normalizeSplit(split);
  const next: BackendRef[] = refs.map((ref) => ({ ...ref, weight: weights[ref.name] ?? 0 }));
  for (const [name, weight] of Object.entries(weights)) {
    if (!refs.some((r) => r.name === name)) {
      const port = refs[0]?.['port'];
      next.push({ name, ...(port !== undefined && { port }), weight });
    }
  }
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: route.resourceVersion },
    { op: 'replace', path: `/spec/rules/${index}/backendRefs`, value: next },
  ];
}

export interface ServiceInfo {
  name: string;
  url?: string;
}

/** Services with the address where each answers on its own (annotation release-actions.dev/url). */
export function parseServices(text: string): ServiceInfo[] {
  const list = parse(text, 'ServiceList');
  const items = Array.isArray(list['items']) ? (list['items'] as Json[]) : [];
  return items.flatMap((item) => {
    const meta = (item['metadata'] ?? {}) as Json;
    if (typeof meta['name'] !== 'string') return [];
    const url = ((meta['annotations'] ?? {}) as Json)['release-actions.dev/url'];
    return [{ name: meta['name'], ...(typeof url === 'string' && url && { url }) }];
  });
}

/** The patch that sets one container's image (the named one, else the first). */
export function imagePatch(deploymentText: string, image: string, container?: string): JsonPatch {
  const deployment = parse(deploymentText, 'Deployment');
  const template = (((deployment['spec'] ?? {}) as Json)['template'] ?? {}) as Json;
  const containers = (((template['spec'] ?? {}) as Json)['containers'] ?? []) as Json[];
  const index = container ? containers.findIndex((c) => c['name'] === container) : 0;
  if (index < 0 || !containers[index]) {
    const names = containers.map((c) => String(c['name'])).join(', ') || 'none';
    throw new KubernetesJsonError(
      container
        ? `the Deployment has no container "${container}" (it has ${names})`
        : 'the Deployment has no containers',
    );
  }
  return [{ op: 'replace', path: `/spec/template/spec/containers/${index}/image`, value: image }];
}

export type RolloutState =
  { kind: 'done' } | { kind: 'progressing'; detail: string } | { kind: 'failed'; detail: string };

/** kubectl rollout status's rules, on one reading of the Deployment. */
export function rolloutState(deploymentText: string): RolloutState {
  const deployment = parse(deploymentText, 'Deployment');
  const meta = (deployment['metadata'] ?? {}) as Json;
  const spec = (deployment['spec'] ?? {}) as Json;
  const status = (deployment['status'] ?? {}) as Json;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (n(status['observedGeneration']) < n(meta['generation']))
    return { kind: 'progressing', detail: 'waiting for the controller to see the new spec' };
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as Json[]) : [];
  const progressing = conditions.find((c) => c['type'] === 'Progressing');
  if (progressing?.['reason'] === 'ProgressDeadlineExceeded')
    return { kind: 'failed', detail: String(progressing['message'] ?? 'progress deadline exceeded') };
  const replicas = spec['replicas'] === undefined ? 1 : n(spec['replicas']);
  const updated = n(status['updatedReplicas']);
  if (updated < replicas)
    return { kind: 'progressing', detail: `${updated} of ${replicas} new replicas updated` };
  if (n(status['replicas']) > updated)
    return {
      kind: 'progressing',
      detail: `${n(status['replicas']) - updated} old replicas pending termination`,
    };
  if (n(status['availableReplicas']) < updated)
    return {
      kind: 'progressing',
      detail: `${n(status['availableReplicas'])} of ${updated} updated replicas available`,
    };
  return { kind: 'done' };
}

/**
 * The revisions newest first, for "the previous revision": each Service is as new
 * as the newest ReplicaSet of its Deployment (same name), that is, its last rollout.
 * Services that never rolled out come last, in their given order.
 */
export function newestFirst(services: readonly ServiceInfo[], replicaSetsText: string): ServiceInfo[] {
  const list = parse(replicaSetsText, 'ReplicaSetList');
  const items = Array.isArray(list['items']) ? (list['items'] as Json[]) : [];
  const lastRollout = new Map<string, number>();
  for (const item of items) {
    const meta = (item['metadata'] ?? {}) as Json;
    const owner = ((meta['ownerReferences'] ?? []) as Json[]).find((o) => o['kind'] === 'Deployment');
    const at = Date.parse(String(meta['creationTimestamp'] ?? ''));
    if (typeof owner?.['name'] !== 'string' || Number.isNaN(at)) continue;
    lastRollout.set(owner['name'], Math.max(at, lastRollout.get(owner['name']) ?? 0));
  }
  return services
    .map((service, order) => ({ service, order, at: lastRollout.get(service.name) ?? -1 }))
    .sort((a, b) => b.at - a.at || a.order - b.order)
    .map((e) => e.service);
}
