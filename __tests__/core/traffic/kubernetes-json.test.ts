import {
  backendPort,
  imagePatch,
  missingFrom,
  newestFirst,
  parseRoute,
  parseServices,
  rolloutState,
  refKey,
  routeSplit,
  splitOfRule,
  splitPatch,
  trafficRules,
} from '../../../shared/core/traffic/kubernetes-json.js';

const route = (rules: unknown[], resourceVersion = '7') =>
  JSON.stringify({ metadata: { resourceVersion, namespace: 'shop' }, spec: { rules } });
const svc = (name: string, ...ports: number[]) => ({ name, ports });
/** A rule only testers reach: pinned to the canary by a header. */
const pinned = {
  matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }],
  backendRefs: [{ name: 'green', port: 80 }],
};
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

  it('the traffic rules are those that route to stable, and refuses to guess between several others', () => {
    const r = parseRoute(
      route([
        { backendRefs: [{ name: 'admin' }] },
        { backendRefs: [{ name: 'blue' }] },
        { backendRefs: [{ name: 'blue' }] },
      ]),
    );
    expect(trafficRules(r, { stable: 'blue' })).toEqual([1, 2]);
    expect(trafficRules(r, { target: 'blue' })).toEqual([1, 2]);
    expect(() => trafficRules(r, { canary: 'green' })).toThrow(
      /3 rules with backends and none names green; name the revision/,
    );
    expect(trafficRules(parseRoute(route([{ matches: [] }, { backendRefs: [{ name: 'x' }] }])), {})).toEqual([
      1,
    ]);
    expect(() => trafficRules(parseRoute(route([])), {})).toThrow(/no rule with Service backendRefs/);
  });

  it('a rule that routes only to the canary (testers pinned by a header) is not a traffic rule', () => {
    const r = parseRoute(route([pinned, { backendRefs: [{ name: 'blue', port: 80, weight: 100 }] }]));
    expect(trafficRules(r, { stable: 'blue', canary: 'green' })).toEqual([1]);
    // Without stable-revision: not the pinned rule, though it is the one that names the canary.
    expect(trafficRules(r, { canary: 'green' })).toEqual([1]);
    expect(routeSplit(r, trafficRules(r, { canary: 'green' }))).toEqual({ blue: 100 });
    // The canary beside another Service is a weighted rule: that one, not the pinned one.
    const weighted = parseRoute(
      route([
        pinned,
        { backendRefs: [{ name: 'admin', port: 80 }] },
        {
          backendRefs: [
            { name: 'blue', port: 80, weight: 90 },
            { name: 'green', port: 80, weight: 10 },
          ],
        },
      ]),
    );
    expect(trafficRules(weighted, { canary: 'green' })).toEqual([2]);
    expect(() => trafficRules(parseRoute(route([pinned])), { canary: 'green' })).toThrow(
      'the HTTPRoute has no rule with Service backendRefs besides those that route only to green',
    );
    expect(() =>
      trafficRules(
        parseRoute(
          route([
            pinned,
            { backendRefs: [{ name: 'admin', port: 80 }] },
            { backendRefs: [{ name: 'blue', port: 80 }] },
          ]),
        ),
        {
          canary: 'green',
        },
      ),
    ).toThrow(
      /2 rules with backends besides those that route only to green and none names green beside another Service/,
    );
  });

  it('a stable-revision no rule routes to is an error naming the input; a rollback target may be new to the route', () => {
    const r = parseRoute(route([pinned, { backendRefs: [{ name: 'blue', port: 80 }] }]));
    expect(() => trafficRules(r, { stable: 'bleu', canary: 'green' })).toThrow(
      'stable-revision bleu: no rule of the HTTPRoute routes to Service bleu (its rules route to blue, green); name the Service that serves traffic now, e.g. stable-revision: blue',
    );
    expect(
      trafficRules(parseRoute(route([{ backendRefs: [{ name: 'blue', port: 80 }] }])), { target: 'red' }),
    ).toEqual([0]);
  });

  it('reads one split from the traffic rules, and says so when they disagree', () => {
    const r = parseRoute(
      route([
        {
          backendRefs: [
            { name: 'blue', weight: 90 },
            { name: 'green', weight: 10 },
          ],
        },
        {
          backendRefs: [
            { name: 'blue', weight: 9 },
            { name: 'green', weight: 1 },
          ],
        },
        { backendRefs: [{ name: 'blue', weight: 1 }] },
      ]),
    );
    expect(routeSplit(r, [0, 1])).toEqual({ blue: 90, green: 10 });
    expect(() => routeSplit(r, [0, 1, 2], 'blue')).toThrow(
      'the HTTPRoute rules that route to blue disagree: spec.rules[0] sends blue 90% / green 10%, spec.rules[1] sends blue 90% / green 10%, spec.rules[2] sends blue 100%; which one a request gets depends on the request, so there is no one split to report. Give them the same weights, then run again',
    );
  });

  it("gives a new backendRef its own Service's port, or says why it cannot", () => {
    const roles = { stable: 'blue', canary: 'green' };
    const beside = { name: 'blue', port: 80 };
    expect(backendPort('green', [svc('green', 8080)], beside, roles)).toBe(8080);
    expect(backendPort('green', [svc('green', 9090, 80)], beside, roles)).toBe(80);
    expect(() => backendPort('green', [svc('green', 8080, 9090)], beside, roles)).toThrow(
      "canary-revision green: Service green exposes ports 8080, 9090 and none is 80, the port of blue's backendRef, so which one the route should use is not clear; give the Service one port, or expose 80 on it too, e.g. ports: [{name: http, port: 80}]",
    );
    expect(() => backendPort('green', [svc('green')], beside, roles)).toThrow(
      'canary-revision green: Service green exposes no port; give the Service one port, e.g. ports: [{name: http, port: 80}]',
    );
    expect(() =>
      backendPort('ghost', [svc('blue', 80), svc('green', 80)], beside, { ...roles, canary: 'ghost' }),
    ).toThrow(
      'canary-revision ghost: there is no Service ghost for the HTTPRoute to send traffic to (each revision is a Service of that name); create it or name an existing one, e.g. canary-revision: green',
    );
    expect(() => backendPort('red', [], beside, { target: 'red' })).toThrow(
      /^to-revision red: there is no Service red/,
    );
  });

  it('patches every rule given, keeps ports and other kinds, adds a missing revision on its own port and guards on the resourceVersion', () => {
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
    const split = { blue: 90, green: 10 };
    expect(missingFrom(r, [1, 2], split)).toEqual(['green']);
    expect(missingFrom(r, [1, 2], { blue: 100 })).toEqual([]);
    // green exposes both of blue's ports: each rule's green gets the one beside it.
    expect(
      splitPatch(r, [1, 2], split, [svc('green', 80, 8080)], { stable: 'blue', canary: 'green' }),
    ).toEqual([
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
    // One port: that one, whatever blue's is.
    expect(splitPatch(r, [1], split, [svc('green', 3000)])[1]).toMatchObject({
      value: [
        { name: 'blue', port: 80, weight: 90 },
        { name: 'green', port: 3000, weight: 10 },
      ],
    });
    expect(() => splitPatch(r, [1], split, [])).toThrow(/^revision green: there is no Service green/);
  });

  it('reads not-JSON as a clear error', () => {
    expect(() => parseRoute('error: the server doesn\'t have a resource type "httproute"')).toThrow(
      'kubectl printed something that is not a HTTPRoute in JSON',
    );
  });
});

describe('Services and Deployments', () => {
  it('reads where each Service answers on its own, and its ports', () => {
    const list = JSON.stringify({
      items: [
        {
          metadata: { name: 'blue', annotations: { 'release-actions.dev/url': 'https://blue.internal' } },
          spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { port: 9090 }] },
        },
        { metadata: { name: 'green' } },
      ],
    });
    expect(parseServices(list)).toEqual([
      { name: 'blue', url: 'https://blue.internal', ports: [80, 9090] },
      { name: 'green', ports: [] },
    ]);
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
