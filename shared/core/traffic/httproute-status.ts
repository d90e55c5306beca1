/**
 * What the Gateway made of a route the kubernetes provider patched, from its
 * status.parents (Gateway API: Accepted, ResolvedRefs, PartiallyInvalid), and
 * whether an unresolved backend costs the written split's users requests. Pure:
 * the provider reads the route and Services with kubectl and asks these.
 */
import {
  isService,
  portOf,
  refKey,
  splitOfRule,
  type BackendRef,
  type RouteCondition,
  type RouteRules,
  type ServiceInfo,
} from './kubernetes-json.js';

/** Why a backendRef would not resolve, as far as the Services tell; undefined when it would. */
function unresolvable(ref: BackendRef, namespace: string, services: readonly ServiceInfo[]) {
  if (!isService(ref)) return ref.kind === 'ServiceImport' ? undefined : 'a kind this run cannot check';
  const ns = typeof ref['namespace'] === 'string' ? ref['namespace'] : namespace;
  if (ns !== namespace) return `in namespace ${ns}, which this run cannot check`;
  const service = services.find((s) => s.name === ref.name);
  if (!service) return 'has no Service';
  const port = portOf(ref);
  if (port !== undefined && !(service.ports ?? []).includes(port))
    return `on port ${port}, which Service ${ref.name} does not expose (it has ${(service.ports ?? []).join(', ') || 'none'})`;
  return undefined;
}

/**
 * With ResolvedRefs False a backend is answered with 500s for its share (Gateway
 * API, HTTPBackendRef), so the split took effect only if that share is nobody's:
 * every backend with traffic in the rules written resolves as far as its Service
 * tells (it exists, in this namespace, and exposes the port), and some backend
 * without traffic explains the condition (a canary at 0 whose Service is gone).
 * The sentence that fails the step, or undefined.
 */
export function unresolvedHarm(
  route: RouteRules,
  indexes: readonly number[],
  services: readonly ServiceInfo[],
  detail: string,
): string | undefined {
  const harmed = indexes.flatMap((i) => {
    const refs = route.rules[i] ?? [];
    const split = splitOfRule(refs);
    return refs.flatMap((ref) => {
      const percent = split[refKey(ref)] ?? 0;
      const why = percent > 0 ? unresolvable(ref, route.namespace, services) : undefined;
      return why ? [`${refKey(ref)} (${percent}%) ${why}`] : [];
    });
  });
  if (harmed.length > 0)
    return `${detail}: ${[...new Set(harmed)].join(', ')}, so the Gateway answers that share with 500s`;
  const explained = route.rules.some((refs) =>
    refs.some((ref) => unresolvable(ref, route.namespace, services) !== undefined),
  );
  if (explained) return undefined;
  return `${detail}, and no backend without traffic explains it: the split cannot be shown to reach users`;
}

export type RouteVerdict =
  | { kind: 'ok' }
  | { kind: 'pending'; detail: string }
  | { kind: 'failed'; detail: string; unresolved?: boolean };

/**
 * What the Gateway controllers made of the route at `generation` (status.parents,
 * Gateway API's Accepted, ResolvedRefs and PartiallyInvalid conditions), for each
 * Gateway in spec.parentRefs (an entry for a Gateway the route no longer names is
 * no evidence). A route that is not Accepted routes nothing as asked; with
 * ResolvedRefs False requests to an invalid backendRef are answered 500, which
 * probes on a Service's own address never see; PartiallyInvalid (Gateway API v1.1)
 * says rules were dropped, or the whole route fell back to an older generation.
 */
export function routeVerdict(route: RouteRules, generation: number): RouteVerdict {
  const ours =
    route.parentRefs.length > 0
      ? route.parentRefs.map((key) => route.parents.find((p) => p.key === key) ?? key)
      : route.parents;
  if (ours.length === 0)
    return { kind: 'pending', detail: 'no Gateway controller has reported on the route yet' };
  for (const entry of ours) {
    if (typeof entry === 'string')
      return {
        kind: 'pending',
        detail: `Gateway ${entry.split('/')[3]} has not reported on the route yet`,
      };
    const { parent, conditions } = entry;
    const of = (type: string) => conditions.find((c) => c.type === type);
    // A condition without observedGeneration (optional in metav1.Condition) is taken as current.
    const current = (c: RouteCondition) =>
      c.observedGeneration === undefined || c.observedGeneration >= generation;
    const why = (c: RouteCondition) => `${c.reason ?? c.status}${c.message ? `: ${c.message}` : ''}`;
    const partial = of('PartiallyInvalid');
    // First: when the route "falls back", Accepted keeps the generation it fell back to.
    if (partial?.status === 'True' && current(partial))
      return {
        kind: 'failed',
        detail: `Gateway ${parent} dropped part of the route (PartiallyInvalid, ${why(partial)}): what users get is not the split that was written`,
      };
    const accepted = of('Accepted');
    const resolved = of('ResolvedRefs');
    if ([accepted, resolved].some((c) => !c || !current(c)) || (partial && !current(partial)))
      return {
        kind: 'pending',
        detail: `Gateway ${parent} has not reported on generation ${generation} yet`,
      };
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
