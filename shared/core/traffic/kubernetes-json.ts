/**
 * Pure readers and writers for the Kubernetes objects the kubernetes provider
 * touches: a Gateway API HTTPRoute whose backendRefs weights are the split between
 * Services (one Service per revision), and the canary's Deployment. kubectl prints
 * the JSON; these functions decide what it means and what to patch.
 */
import { OperationalError } from '../errors.js';
import { describeSplit, normalizeSplit, sameSplit, splitFromWeights, type Split } from './split.js';

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
  namespace: string;
  resourceVersion: string;
  generation: number;
  /** Every backendRef of every rule, Services and other kinds alike. */
  rules: BackendRef[][];
  /** spec.parentRefs, as parentKey: the Gateways the route asks to be attached to. */
  parentRefs: string[];
  /** status.parents: what each Gateway's controller made of the route. */
  parents: { parent: string; key: string; conditions: RouteCondition[] }[];
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

export const isService = (ref: BackendRef) =>
  (ref.kind === undefined || ref.kind === 'Service') && (ref['group'] === undefined || ref['group'] === '');

/** How a backendRef appears in a split: a Service by its name (a revision), anything else by kind/name. */
export const refKey = (ref: BackendRef) => (isService(ref) ? ref.name : `${ref.kind}/${ref.name}`);

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * A parentRef with Gateway API's defaults filled in (group gateway.networking.k8s.io,
 * kind Gateway, the route's namespace), so a controller that echoes the reference
 * with or without them is matched to the one in the spec.
 */
export function parentKey(ref: Json, routeNamespace: string): string {
  return [
    ref['group'] ?? 'gateway.networking.k8s.io',
    ref['kind'] ?? 'Gateway',
    ref['namespace'] ?? routeNamespace,
    ref['name'],
    ref['sectionName'] ?? '',
    ref['port'] ?? '',
  ].join('/');
}

export function parseRoute(text: string): RouteRules {
  const route = parse(text, 'HTTPRoute');
  const meta = (route['metadata'] ?? {}) as Json;
  const spec = (route['spec'] ?? {}) as Json;
  const namespace = String(meta['namespace'] ?? '');
  return {
    namespace,
    resourceVersion: String(meta['resourceVersion'] ?? ''),
    generation: typeof meta['generation'] === 'number' ? meta['generation'] : 0,
    rules: list(spec['rules']).map((rule) =>
      list(rule['backendRefs']).filter((ref): ref is BackendRef => typeof ref['name'] === 'string'),
    ),
    parentRefs: list(spec['parentRefs']).map((ref) => parentKey(ref, namespace)),
    parents: list(((route['status'] ?? {}) as Json)['parents']).map((p) => {
      const ref = (p['parentRef'] ?? {}) as Json;
      return {
        parent: String(ref['name'] ?? '?'),
        key: parentKey(ref, namespace),
        conditions: list(p['conditions']) as unknown as RouteCondition[],
      };
    }),
  };
}

/** What the step's inputs say each revision is. */
export interface RouteRoles {
  /** stable-revision: it serves traffic now, so some rule routes to it. */
  stable?: string;
  /** canary-revision: a rule that routes only to it pins testers (a header match); it is not the split. */
  canary?: string;
  /** rollback's to-revision: it gets the traffic back, and the route may not name it yet. */
  target?: string;
}

const serviceNames = (refs: readonly BackendRef[]) => refs.filter(isService).map((r) => r.name);

/**
 * The rules that carry the split: those that route to the revision serving now
 * (stable-revision, or the rollback's target; a route may send /api and / to the
 * same Services: all move). A rule that routes only to the canary (testers pinned
 * by a header) is no share of users' traffic: it is neither read nor rewritten.
 * Without such a name, the rules with the canary beside another Service, else the
 * only rule with Service backends; with several candidates it refuses to guess.
 */
export function trafficRules(route: RouteRules, roles: RouteRoles): number[] {
  const routingTo = (name: string) =>
    route.rules.flatMap((refs, i) => (serviceNames(refs).includes(name) ? [i] : []));
  const anchor = roles.stable ?? roles.target;
  const anchored = anchor ? routingTo(anchor) : [];
  if (anchored.length > 0) return anchored;
  if (roles.stable) {
    const names = [...new Set(route.rules.flatMap(serviceNames))].sort();
    // The example: a Service of a rule that sets weights (one that splits traffic), if any.
    const weighted = route.rules.filter((refs) => refs.some((r) => r.weight !== undefined));
    const example = [...weighted.flatMap(serviceNames), ...names].find((n) => n !== roles.canary);
    throw new KubernetesJsonError(
      `stable-revision ${roles.stable}: no rule of the HTTPRoute routes to Service ${roles.stable} (its rules route to ${names.join(', ') || 'no Service'}); name the Service that serves traffic now, e.g. stable-revision: ${example ?? 'shop-stable'}`,
    );
  }
  const onlyCanary = (refs: readonly BackendRef[]) =>
    serviceNames(refs).length > 0 && serviceNames(refs).every((n) => n === roles.canary);
  const candidates = route.rules.flatMap((refs, i) =>
    serviceNames(refs).length > 0 && !onlyCanary(refs) ? [i] : [],
  );
  const beside = roles.canary ? candidates.filter((i) => routingTo(roles.canary!).includes(i)) : [];
  if (beside.length > 0) return beside;
  if (candidates.length === 1) return candidates;
  const pinnedToo = candidates.length < route.rules.filter((refs) => serviceNames(refs).length > 0).length;
  const besides = pinnedToo ? ` besides those that route only to ${roles.canary}` : '';
  if (candidates.length === 0)
    throw new KubernetesJsonError(`the HTTPRoute has no rule with Service backendRefs${besides}`);
  const named = [roles.target, roles.canary].filter(Boolean).join(' or ') || 'a revision of this run';
  throw new KubernetesJsonError(
    `the HTTPRoute has ${candidates.length} rules with backends${besides} and none names ${pinnedToo ? `${roles.canary} beside another Service` : named}; name the revision (stable-revision, or to-revision for a rollback) so the right rule is used`,
  );
}

/**
 * The split users get: that of the traffic rules, which must agree. Rules that
 * disagree (someone edited one) have no single split to report, and picking one
 * would hide what the others send.
 */
export function routeSplit(route: RouteRules, indexes: readonly number[], stable?: string): Split {
  const splits = indexes.map((i) => ({ i, split: splitOfRule(route.rules[i] ?? []) }));
  const first = splits[0]?.split ?? {};
  if (splits.every((s) => sameSplit(s.split, first))) return first;
  const each = splits.map((s) => `spec.rules[${s.i}] sends ${describeSplit(s.split)}`).join(', ');
  throw new KubernetesJsonError(
    `the HTTPRoute rules that route to ${stable ?? 'the revisions'} disagree: ${each}; which one a request gets depends on the request, so there is no one split to report. Give them the same weights, then run again`,
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

/** A Service backendRef's port: a number (the Service port, not the target port). */
export const portOf = (ref: BackendRef) => (typeof ref['port'] === 'number' ? ref['port'] : undefined);

/** The revisions of the split that some of the rules lack: they need a backendRef. */
export function missingFrom(route: RouteRules, indexes: readonly number[], split: Split): string[] {
  return Object.keys(normalizeSplit(split)).filter((name) =>
    indexes.some((i) => !serviceNames(route.rules[i] ?? []).includes(name)),
  );
}

/** How an error names a revision: by the input that named it. */
function revisionInput(name: string, roles: RouteRoles): string {
  const input =
    name === roles.canary
      ? 'canary-revision'
      : name === roles.stable
        ? 'stable-revision'
        : name === roles.target
          ? 'to-revision'
          : 'revision';
  return `${input} ${name}`;
}

/**
 * The port a revision's new backendRef gets: its own Service's. Gateway API wants
 * the Service port on every Service backendRef (the CRD refuses one without), and
 * a port the Service does not expose leaves the backend unresolved (its share
 * answered with 500s), so the port beside it is no guess to make: a Service with
 * one port gets that one, one with several the port of the backendRef beside it
 * (stable's) if it exposes it; otherwise it is the user's to say.
 */
export function backendPort(
  name: string,
  services: readonly ServiceInfo[],
  beside: { name: string; port: number | undefined } | undefined,
  roles: RouteRoles,
): number {
  const who = revisionInput(name, roles);
  const service = services.find((s) => s.name === name);
  const example = name === roles.canary ? 'canary-revision' : 'to-revision';
  if (!service)
    throw new KubernetesJsonError(
      `${who}: there is no Service ${name} for the HTTPRoute to send traffic to (each revision is a Service of that name); create it or name an existing one, e.g. ${example}: ${services.find((s) => s.name !== name && s.name !== beside?.name)?.name ?? 'shop-canary'}`,
    );
  const ports = service.ports ?? [];
  if (ports.length === 1) return ports[0] as number;
  if (beside?.port !== undefined && ports.includes(beside.port)) return beside.port;
  const want = beside?.port ?? 80;
  const why =
    ports.length === 0
      ? 'exposes no port'
      : `exposes ports ${ports.join(', ')} and none is ${want}, the port of ${beside?.name ?? 'the rule'}'s backendRef, so which one the route should use is not clear`;
  throw new KubernetesJsonError(
    `${who}: Service ${name} ${why}; give the Service one port${ports.length ? `, or expose ${want} on it too` : ''}, e.g. ports: [{name: http, port: ${want}}]`,
  );
}

/**
 * The patch that gives each of the rules this split: each Service backendRef keeps
 * its other fields (port, namespace); a revision a rule lacks is added with its own
 * Service's port (backendPort, against the rule's first Service backendRef); a
 * revision outside the split keeps its place at weight 0; backendRefs of other
 * kinds are kept exactly as they are. The resourceVersion test makes a concurrent
 * edit fail the patch instead of being overwritten.
 */
export function splitPatch(
  route: RouteRules,
  indexes: readonly number[],
  split: Split,
  services: readonly ServiceInfo[] = [],
  roles: RouteRoles = {},
): JsonPatch {
  const weights = normalizeSplit(split);
  const rulePatch = (index: number) => {
    const refs = route.rules[index] ?? [];
    const next: BackendRef[] = refs.map((ref) =>
      isService(ref) ? { ...ref, weight: weights[ref.name] ?? 0 } : ref,
    );
    const first = refs.find(isService);
    const beside = first && { name: first.name, port: portOf(first) };
    for (const [name, weight] of Object.entries(weights)) {
      if (!serviceNames(refs).includes(name))
        next.push({ name, port: backendPort(name, services, beside, roles), weight });
    }
    return { op: 'replace' as const, path: `/spec/rules/${index}/backendRefs`, value: next };
  };
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: route.resourceVersion },
    ...indexes.map(rulePatch),
  ];
}

export interface ServiceInfo {
  name: string;
  url?: string;
  /** spec.ports[].port: what a backendRef's port must be one of. */
  ports?: number[];
}

/** Services with their ports and the address where each answers on its own (annotation release-actions.dev/url). */
export function parseServices(text: string): ServiceInfo[] {
  return itemsOf(text, 'ServiceList').flatMap((item) => {
    const meta = (item['metadata'] ?? {}) as Json;
    if (typeof meta['name'] !== 'string') return [];
    const url = ((meta['annotations'] ?? {}) as Json)['release-actions.dev/url'];
    const ports = list(((item['spec'] ?? {}) as Json)['ports']).flatMap((p) =>
      typeof p['port'] === 'number' ? [p['port']] : [],
    );
    return [{ name: meta['name'], ...(typeof url === 'string' && url && { url }), ports }];
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
