import {
  imagePatch,
  newestFirst,
  parseRoute,
  parseServices,
  rolloutState,
  refKey,
  routeVerdict,
  ruleIndexes,
  splitOfRule,
  splitPatch,
} from '../../../shared/core/traffic/kubernetes-json.js';

const route = (rules: unknown[], resourceVersion = '7') =>
  JSON.stringify({ metadata: { resourceVersion }, spec: { rules } });
const deployment = (status: Record<string, unknown>, generation = 2, replicas = 3) =>
  JSON.stringify({ metadata: { generation }, spec: { replicas }, status });

describe('HTTPRoute weights', () => {
  it.each([
    [
      [
        { name: 'a', weight: 90 },
        { name: 'b', weight: 10 },
      ],
      { a: 90, b: 10 },
    ],
    [[{ name: 'a' }, { name: 'b' }], { a: 50, b: 50 }],
    [[{ name: 'a' }, { name: 'b' }, { name: 'c' }], { a: 34, b: 33, c: 33 }],
    [
      [
        { name: 'a', weight: 900 },
        { name: 'b', weight: 100 },
      ],
      { a: 90, b: 10 },
    ],
    [
      [
        { name: 'a', weight: 0 },
        { name: 'b', weight: 0 },
      ],
      {},
    ],
  ])('%j → %j', (refs, split) => expect(splitOfRule(refs)).toEqual(split));

  it('keeps backendRefs that are not Services, counted under kind/name so their traffic is seen', () => {
    const r = parseRoute(
      route([{ backendRefs: [{ name: 'a' }, { name: 'eu', kind: 'ServiceImport', weight: 0 }] }]),
    );
    expect(r.rules[0]).toEqual([{ name: 'a' }, { name: 'eu', kind: 'ServiceImport', weight: 0 }]);
    expect(r.rules[0]!.map(refKey)).toEqual(['a', 'ServiceImport/eu']);
    expect(
      splitOfRule([
        { name: 'a', weight: 50 },
        { name: 'eu', kind: 'ServiceImport', weight: 50 },
      ]),
    ).toEqual({
      a: 50,
      'ServiceImport/eu': 50,
    });
  });

  it('finds every rule that names a revision, and refuses to guess between several', () => {
    const r = parseRoute(
      route([
        { backendRefs: [{ name: 'admin' }] },
        { backendRefs: [{ name: 'blue' }] },
        { backendRefs: [{ name: 'blue' }] },
      ]),
    );
    expect(ruleIndexes(r, ['blue'])).toEqual([1, 2]);
    expect(() => ruleIndexes(r, ['green'])).toThrow(
      /3 rules with backends and none names green; name the revision/,
    );
    expect(ruleIndexes(parseRoute(route([{ matches: [] }, { backendRefs: [{ name: 'x' }] }])), [])).toEqual([
      1,
    ]);
    expect(() => ruleIndexes(parseRoute(route([])), [])).toThrow(/no rule with Service backendRefs/);
  });

  it('patches every rule given, keeps ports and other kinds, adds a missing revision and guards on the resourceVersion', () => {
    const r = parseRoute(
      route(
        [
          {},
          { backendRefs: [{ name: 'blue', port: 80, weight: 100 }] },
          {
            backendRefs: [
              { name: 'eu', kind: 'ServiceImport', group: 'multicluster.x-k8s.io', port: 80, weight: 0 },
              { name: 'blue', port: 8080, weight: 1 },
            ],
          },
        ],
        '42',
      ),
    );
    expect(splitPatch(r, [1, 2], { blue: 90, green: 10 })).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '42' },
      {
        op: 'replace',
        path: '/spec/rules/1/backendRefs',
        value: [
          { name: 'blue', port: 80, weight: 90 },
          { name: 'green', port: 80, weight: 10 },
        ],
      },
      {
        op: 'replace',
        path: '/spec/rules/2/backendRefs',
        value: [
          { name: 'eu', kind: 'ServiceImport', group: 'multicluster.x-k8s.io', port: 80, weight: 0 },
          { name: 'blue', port: 8080, weight: 90 },
          { name: 'green', port: 8080, weight: 10 },
        ],
      },
    ]);
  });

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

  it('reads not-JSON as a clear error', () => {
    expect(() => parseRoute('error: the server doesn\'t have a resource type "httproute"')).toThrow(
      'kubectl printed something that is not a HTTPRoute in JSON',
    );
  });
});

describe('Services and Deployments', () => {
  it('reads where each Service answers on its own', () => {
    const list = JSON.stringify({
      items: [
        { metadata: { name: 'blue', annotations: { 'release-actions.dev/url': 'https://blue.internal' } } },
        { metadata: { name: 'green' } },
      ],
    });
    expect(parseServices(list)).toEqual([{ name: 'blue', url: 'https://blue.internal' }, { name: 'green' }]);
  });

  it('orders Services by their Deployment’s last rollout, newest first', () => {
    const rs = (owner: string, at: string) => ({
      metadata: { creationTimestamp: at, ownerReferences: [{ kind: 'Deployment', name: owner }] },
    });
    const sets = JSON.stringify({
      items: [
        rs('blue', '2026-11-01T00:00:00Z'),
        rs('green', '2026-11-20T00:00:00Z'),
        rs('blue', '2026-11-10T00:00:00Z'),
      ],
    });
    expect(
      newestFirst([{ name: 'blue' }, { name: 'admin' }, { name: 'green' }], sets).map((s) => s.name),
    ).toEqual(['green', 'blue', 'admin']);
    // blue went back to an earlier pod template: the controller reused its old
    // ReplicaSet, and only the Progressing condition tells when.
    const deployments = JSON.stringify({
      items: [
        {
          metadata: { name: 'blue' },
          status: {
            conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: '2026-11-25T00:00:00Z' }],
          },
        },
      ],
    });
    expect(newestFirst([{ name: 'blue' }, { name: 'green' }], sets, deployments).map((s) => s.name)).toEqual([
      'blue',
      'green',
    ]);
  });

  it('sets the named container, or names the ones there are', () => {
    const d = JSON.stringify({
      spec: { template: { spec: { containers: [{ name: 'proxy' }, { name: 'app' }] } } },
    });
    expect(imagePatch(d, 'shop:2', 'app')).toEqual([
      { op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'shop:2' },
    ]);
    expect(imagePatch(d, 'shop:2')[0]?.path).toBe('/spec/template/spec/containers/0/image');
    expect(() => imagePatch(d, 'shop:2', 'web')).toThrow(
      'the Deployment has no container "web" (it has proxy, app)',
    );
  });

  it.each([
    [{ observedGeneration: 1 }, 'progressing'],
    [{ observedGeneration: 2, updatedReplicas: 1, replicas: 3, availableReplicas: 3 }, 'progressing'],
    [{ observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 }, 'progressing'],
    [{ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }, 'progressing'],
    [{ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }, 'done'],
    [
      {
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded', message: 'timed out' }],
      },
      'failed',
    ],
  ])('rollout status %j → %s', (status, kind) => expect(rolloutState(deployment(status)).kind).toBe(kind));
});
