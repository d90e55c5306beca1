/**
 * Pure readers and writers for the Kubernetes objects the kubernetes provider
 * touches: a Gateway API HTTPRoute whose backendRefs weights are the split between
 * Services (one Service per revision), and the canary's Deployment. kubectl prints
 * the JSON; these functions decide what it means and what to patch.
 */
import { OperationalError } from '../errors.js';
import { normalizeSplit, splitFromWeights, type Split } from './split.js';

type Json = Record<string, unknown>;

export interface BackendRef extends Json {
  name: string;
  weight?: number;
  kind?: string;
}

export interface RouteCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface RouteRules {
  resourceVersion: string;
  generation: number;
  /** Every backendRef of every rule, Services and other kinds alike. */
  rules: BackendRef[][];
  /** status.parents: what each Gateway's controller made of the route. */
  parents: { parent: string; conditions: RouteCondition[] }[];
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

const isService = (ref: BackendRef) =>
  (ref.kind === undefined || ref.kind === 'Service') && (ref['group'] === undefined || ref['group'] === '');

/** How a backendRef appears in a split: a Service by its name (a revision), anything else by kind/name. */
export const refKey = (ref: BackendRef) => (isService(ref) ? ref.name : `${ref.kind}/${ref.name}`);

export function parseRoute(text: string): RouteRules {
  const route = parse(text, 'HTTPRoute');
  const meta = (route['metadata'] ?? {}) as Json;
  const spec = (route['spec'] ?? {}) as Json;
  const rules = Array.isArray(spec['rules']) ? (spec['rules'] as Json[]) : [];
  const parents = (((route['status'] ?? {}) as Json)['parents'] ?? []) as Json[];
  return {
    resourceVersion: String(meta['resourceVersion'] ?? ''),
    generation: typeof meta['generation'] === 'number' ? meta['generation'] : 0,
    rules: rules.map((rule) =>
      (Array.isArray(rule['backendRefs']) ? (rule['backendRefs'] as Json[]) : []).filter(
        (ref): ref is BackendRef => typeof ref['name'] === 'string',
      ),
    ),
    parents: (Array.isArray(parents) ? parents : []).map((p) => ({
      parent: String(((p['parentRef'] ?? {}) as Json)['name'] ?? '?'),
      conditions: (Array.isArray(p['conditions']) ? p['conditions'] : []) as RouteCondition[],
    })),
  };
}

/**
 * The rules that carry the revisions: every rule that names one of them (a route
 * may send /api and / to the same two Services: both move); else the only rule
 * with Service backends. With several candidates it refuses to guess.
 */
export function ruleIndexes(route: RouteRules, revisions: readonly string[]): number[] {
  const named = route.rules.flatMap((refs, i) =>
    refs.some((r) => isService(r) && revisions.includes(r.name)) ? [i] : [],
  );
  if (named.length > 0) return named;
  const withBackends = route.rules.flatMap((refs, i) => (refs.some(isService) ? [i] : []));
  if (withBackends.length === 1) return withBackends;
  if (withBackends.length === 0)
    throw new KubernetesJsonError('the HTTPRoute has no rule with Service backendRefs');
  throw new KubernetesJsonError(
    `the HTTPRoute has ${withBackends.length} rules with backends and none names ${revisions.join(' or ') || 'a revision of this run'}; name the revision (stable-revision, or to-revision for a rollback) so the right rule is used`,
  );
}

/**
 * Gateway API weights are relative (a missing weight is 1); the split is in
 * percent. A backend that is not a Service counts under kind/name, so traffic it
 * takes is never silently attributed to a revision.
 */
export function splitOfRule(refs: readonly BackendRef[]): Split {
  const weights: Record<string, number> = {};
  for (const ref of refs) weights[refKey(ref)] = (weights[refKey(ref)] ?? 0) + (ref.weight ?? 1);
  return splitFromWeights(weights);
}

/**
 * A route the Gateway could not resolve hurts users only where a backend with
 * traffic has no Service (its share is answered with 500s); one left at 0 may stay
 * unresolved. The sentence that fails the step, or undefined.
 */
export function trafficWithoutService(
  split: Split,
  services: ReadonlySet<string>,
  detail: string,
): string | undefined {
  const missing = Object.entries(split).filter(([name, percent]) => percent > 0 && !services.has(name));
  if (missing.length === 0) return undefined;
  return `${detail}: ${missing.map(([n, p]) => `${n} (${p}%)`).join(', ')} has no Service, so the Gateway answers its share with 500s`;
}

/**
 * The patch that gives each of the rules this split: each Service backendRef keeps
 * its other fields (port, namespace); a revision a rule lacks is added with the
 * port of its first Service; a revision outside the split keeps its place at weight
 * 0; backendRefs of other kinds are kept exactly as they are. The resourceVersion
 * test makes a concurrent edit fail the patch instead of being overwritten.
 */
export function splitPatch(route: RouteRules, indexes: readonly number[], split: Split): JsonPatch {
  const weights = normalizeSplit(split);
  const rulePatch = (index: number) => {
    const refs = route.rules[index] ?? [];
    const next: BackendRef[] = refs.map((ref) =>
      isService(ref) ? { ...ref, weight: weights[ref.name] ?? 0 } : ref,
    );
    for (const [name, weight] of Object.entries(weights)) {
      if (!refs.some((r) => isService(r) && r.name === name)) {
        const port = refs.find(isService)?.['port'];
        next.push({ name, ...(port !== undefined && { port }), weight });
      }
    }
    return { op: 'replace' as const, path: `/spec/rules/${index}/backendRefs`, value: next };
  };
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: route.resourceVersion },
    ...indexes.map(rulePatch),
  ];
}

export type RouteVerdict =
  | { kind: 'ok' }
  | { kind: 'pending'; detail: string }
  | { kind: 'failed'; detail: string; unresolved?: boolean };

/**
 * What the Gateway controllers made of the route at `generation` (status.parents,
 * Gateway API's Accepted and ResolvedRefs conditions). A route that is not Accepted
 * routes nothing as asked; with ResolvedRefs False the spec has requests to an
 * invalid backendRef answered 500, which probes on a Service's own address never see.
 */
export function routeVerdict(route: RouteRules, generation: number): RouteVerdict {
  if (route.parents.length === 0)
    return { kind: 'pending', detail: 'no Gateway controller has reported on the route yet' };
  for (const { parent, conditions } of route.parents) {
    const of = (type: string) => conditions.find((c) => c.type === type);
    const accepted = of('Accepted');
    const resolved = of('ResolvedRefs');
    // A condition without observedGeneration (optional in metav1.Condition) is taken as current.
    const stale = [accepted, resolved].some(
      (c) => !c || (c.observedGeneration !== undefined && c.observedGeneration < generation),
    );
    if (stale)
      return {
        kind: 'pending',
        detail: `Gateway ${parent} has not reported on generation ${generation} yet`,
      };
    const why = (c: RouteCondition) => `${c.reason ?? c.status}${c.message ? `: ${c.message}` : ''}`;
    if (accepted!.status !== 'True')
      return { kind: 'failed', detail: `Gateway ${parent} did not accept the route (${why(accepted!)})` };
    if (resolved!.status !== 'True')
      return {
        kind: 'failed',
        unresolved: true,
        detail: `Gateway ${parent} cannot resolve the route's backendRefs (${why(resolved!)})`,
      };
  }
  return { kind: 'ok' };
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
 * as its Deployment's (same name) last rollout. That is the newest ReplicaSet's
 * creation, or, when the controller reused an older ReplicaSet because an earlier
 * pod template came back, the time the Deployment's Progressing condition last
 * changed reason (the controller updates it as a rollout starts and completes).
 * Services that never rolled out come last, in their given order.
 */
export function newestFirst(
  services: readonly ServiceInfo[],
  replicaSetsText: string,
  deploymentsText = '{"items":[]}',
): ServiceInfo[] {
  const lastRollout = new Map<string, number>();
  const saw = (name: unknown, at: number) => {
    if (typeof name === 'string' && !Number.isNaN(at))
      lastRollout.set(name, Math.max(at, lastRollout.get(name) ?? 0));
  };
  for (const item of itemsOf(replicaSetsText, 'ReplicaSetList')) {
    const meta = (item['metadata'] ?? {}) as Json;
    const owner = ((meta['ownerReferences'] ?? []) as Json[]).find((o) => o['kind'] === 'Deployment');
    saw(owner?.['name'], Date.parse(String(meta['creationTimestamp'] ?? '')));
  }
  for (const item of itemsOf(deploymentsText, 'DeploymentList')) {
    const conditions = (((item['status'] ?? {}) as Json)['conditions'] ?? []) as Json[];
    const progressing = conditions.find((c) => c['type'] === 'Progressing');
    saw(
      ((item['metadata'] ?? {}) as Json)['name'],
      Date.parse(String(progressing?.['lastUpdateTime'] ?? '')),
    );
  }
  return services
    .map((service, order) => ({ service, order, at: lastRollout.get(service.name) ?? -1 }))
    .sort((a, b) => b.at - a.at || a.order - b.order)
    .map((e) => e.service);
}

function itemsOf(text: string, what: string): Json[] {
  const list = parse(text, what);
  return Array.isArray(list['items']) ? (list['items'] as Json[]) : [];
}
