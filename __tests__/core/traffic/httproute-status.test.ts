import { parseRoute } from '../../../shared/core/traffic/kubernetes-json.js';
import { routeVerdict, unresolvedHarm } from '../../../shared/core/traffic/httproute-status.js';

const route = (rules: unknown[]) =>
  JSON.stringify({ metadata: { resourceVersion: '7', namespace: 'shop' }, spec: { rules } });
const svc = (name: string, ...ports: number[]) => ({ name, ports });
/** A rule only testers reach: pinned to the canary by a header. */
const pinned = {
  matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }],
  backendRefs: [{ name: 'green', port: 80 }],
};

describe('what the Gateway made of the route', () => {
  it("reads the Gateway's verdict on a generation from status.parents", () => {
    const withStatus = (generation: number, conditions: unknown[]) =>
      parseRoute(
        JSON.stringify({
          metadata: { resourceVersion: '9', generation },
          spec: { rules: [] },
          status: { parents: [{ parentRef: { name: 'public' }, conditions }] },
        }),
      );
    const c = (type: string, status: string, observedGeneration: number, reason = type, message = '') => ({
      type,
      status,
      observedGeneration,
      reason,
      message,
    });
    expect(routeVerdict(parseRoute(route([])), 1)).toMatchObject({ kind: 'pending' });
    expect(routeVerdict(withStatus(3, [c('Accepted', 'True', 2), c('ResolvedRefs', 'True', 2)]), 3)).toEqual({
      kind: 'pending',
      detail: 'Gateway public has not reported on generation 3 yet',
    });
    expect(routeVerdict(withStatus(3, [c('Accepted', 'True', 3), c('ResolvedRefs', 'True', 3)]), 3)).toEqual({
      kind: 'ok',
    });
    expect(
      routeVerdict(
        withStatus(3, [
          c('Accepted', 'False', 3, 'NotAllowedByListeners', 'no listener allows it'),
          c('ResolvedRefs', 'True', 3),
        ]),
        3,
      ),
    ).toEqual({
      kind: 'failed',
      detail: 'Gateway public did not accept the route (NotAllowedByListeners: no listener allows it)',
    });
    expect(
      routeVerdict(
        withStatus(3, [
          c('Accepted', 'True', 3),
          c('ResolvedRefs', 'False', 3, 'BackendNotFound', 'service shop/x not found'),
        ]),
        3,
      ),
    ).toEqual({
      kind: 'failed',
      unresolved: true,
      detail:
        "Gateway public cannot resolve the route's backendRefs (BackendNotFound: service shop/x not found)",
    });
  });

  const withParents = (parentRefs: unknown[], parents: unknown[], generation = 3) =>
    parseRoute(
      JSON.stringify({
        metadata: { resourceVersion: '9', generation, namespace: 'shop' },
        spec: { parentRefs, rules: [] },
        status: { parents },
      }),
    );
  const ok = (g = 3) => [
    { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: g },
    { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', observedGeneration: g },
  ];

  it('PartiallyInvalid (rules dropped, or the route fell back) is not a split that took effect', () => {
    const dropped = {
      type: 'PartiallyInvalid',
      status: 'True',
      reason: 'UnsupportedValue',
      message: 'Dropped Rule(s) 1: filter type RequestMirror is not supported',
      observedGeneration: 3,
    };
    const gw = { name: 'public' };
    expect(routeVerdict(withParents([gw], [{ parentRef: gw, conditions: [...ok(), dropped] }]), 3)).toEqual({
      kind: 'failed',
      detail:
        'Gateway public dropped part of the route (PartiallyInvalid, UnsupportedValue: Dropped Rule(s) 1: filter type RequestMirror is not supported): what users get is not the split that was written',
    });
    // "Fall Back": Accepted stays at the last good generation; that is no reason to wait.
    const fellBack = { ...dropped, message: 'Fall Back: rule 1 is invalid' };
    expect(
      routeVerdict(withParents([gw], [{ parentRef: gw, conditions: [...ok(2), fellBack] }]), 3),
    ).toMatchObject({
      kind: 'failed',
      detail: expect.stringContaining('Fall Back: rule 1 is invalid'),
    });
    // From an older generation it is no evidence either way yet.
    expect(
      routeVerdict(
        withParents([gw], [{ parentRef: gw, conditions: [...ok(), { ...dropped, observedGeneration: 2 }] }]),
        3,
      ),
    ).toMatchObject({ kind: 'pending' });
  });

  it("waits for every Gateway the route names, matching parentRefs with the spec's defaults", () => {
    const a = { name: 'public' };
    const b = { name: 'internal', namespace: 'infra', sectionName: 'https' };
    const echoed = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'public' };
    expect(routeVerdict(withParents([a, b], [{ parentRef: echoed, conditions: ok() }]), 3)).toEqual({
      kind: 'pending',
      detail: 'Gateway internal has not reported on the route yet',
    });
    expect(
      routeVerdict(
        withParents(
          [a, b],
          [
            { parentRef: echoed, conditions: ok() },
            { parentRef: b, conditions: ok() },
          ],
        ),
        3,
      ),
    ).toEqual({ kind: 'ok' });
    // A report for a Gateway the route no longer names is not ours.
    expect(
      routeVerdict(withParents([a], [{ parentRef: { name: 'old' }, conditions: ok() }]), 3),
    ).toMatchObject({
      kind: 'pending',
    });
  });

  it('an unresolved backend fails the split only when it carries traffic, or when nothing without traffic explains it', () => {
    const r = parseRoute(
      route([
        pinned,
        {
          backendRefs: [
            { name: 'blue', port: 80, weight: 90 },
            { name: 'green', port: 80, weight: 10 },
            { name: 'ghost', port: 80, weight: 0 },
          ],
        },
      ]),
    );
    const detail = "Gateway public cannot resolve the route's backendRefs (X)";
    const blueAndGreen = [svc('blue', 80), svc('green', 80)];
    // ghost (0 %) has no Service: it explains the condition and costs nobody a request.
    expect(unresolvedHarm(r, [1], blueAndGreen, detail)).toBeUndefined();
    expect(unresolvedHarm(r, [1], [svc('blue', 80), svc('green', 8080)], detail)).toBe(
      `${detail}: green (10%) on port 80, which Service green does not expose (it has 8080), so the Gateway answers that share with 500s`,
    );
    expect(unresolvedHarm(r, [1], [svc('blue', 80)], detail)).toBe(
      `${detail}: green (10%) has no Service, so the Gateway answers that share with 500s`,
    );
    const clean = parseRoute(route([{ backendRefs: [{ name: 'blue', port: 80 }] }]));
    expect(unresolvedHarm(clean, [0], blueAndGreen, detail)).toBe(
      `${detail}, and no backend without traffic explains it: the split cannot be shown to reach users`,
    );
    const other = parseRoute(
      route([
        {
          backendRefs: [
            { name: 'blue', namespace: 'payments', port: 80, weight: 1 },
            { name: 'eu', kind: 'Backend', group: 'gateway.envoyproxy.io', weight: 1 },
          ],
        },
      ]),
    );
    expect(unresolvedHarm(other, [0], blueAndGreen, detail)).toBe(
      `${detail}: blue (50%) in namespace payments, which this run cannot check, Backend/eu (50%) a kind this run cannot check, so the Gateway answers that share with 500s`,
    );
  });
});
