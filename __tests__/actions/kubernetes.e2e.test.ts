/**
 * The kubernetes provider through the built bundles and the real kubectl, against a
 * local API server (discovery, Services, Deployments with ReplicaSets, Gateway API
 * HTTPRoutes, JSON patch). One Service per revision; the route's backendRefs
 * weights are the split; each Service's release-actions.dev/url annotation is
 * where its revision answers on its own (real test services on 127.0.0.1).
 */
import { startKubeApi, type KubeApi } from '../support/kube-api.js';
import { runAction, visibleLog } from '../support/run-action.js';
import { startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
let kube: KubeApi;

beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
afterAll(() => Promise.all([v1.close(), v2.close()]));
beforeEach(async () => {
  v2.setMode('ok');
  kube = await startKubeApi();
  kube.put({
    kind: 'HTTPRoute',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'public-gateway' }],
      hostnames: ['shop.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
          backendRefs: [{ name: 'admin', port: 8080 }],
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'shop-stable', port: 80, weight: 100 }],
        },
      ],
    },
  });
  for (const [name, url, port] of [
    ['shop-stable', v1.url, 80],
    ['shop-canary', v2.url, 80],
    ['admin', '', 8080],
  ] as const)
    service(name, url, [port]);
  kube.put({
    kind: 'Deployment',
    metadata: { name: 'shop-canary', namespace: 'shop', generation: 1 },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'sidecar', image: 'envoy:1' },
            { name: 'app', image: 'shop:1.0.0' },
          ],
        },
      },
    },
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  });
});
afterEach(() => kube.close());

/** A Service: its ports, and where it answers on its own (the release-actions.dev/url annotation). */
const service = (name: string, url: string, ports: number[]) =>
  kube.put({
    kind: 'Service',
    metadata: { name, namespace: 'shop', ...(url && { annotations: { 'release-actions.dev/url': url } }) },
    spec: { selector: { app: name }, ports: ports.map((port) => ({ name: `p${port}`, port })) },
  });
const env = () => ({ KUBECONFIG: kube.kubeconfig, RELEASE_ACTIONS_POLL_MS: '50' });
const k8s = { provider: 'kubernetes', 'kubernetes-route': 'shop' };
const setRules = (rules: unknown[]) => {
  const route = kube.route('shop', 'shop')!;
  (route['spec'] as { rules: unknown[] }).rules = rules;
  kube.put(route);
};
const routePatches = () =>
  kube.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/httproutes/'));
/** A rule only testers reach: the x-canary header pins them to the canary. */
const pinned = {
  matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }],
  backendRefs: [{ name: 'shop-canary', port: 80 }],
};
const backendRefs = (rule = 1) =>
  (kube.route('shop', 'shop')!['spec'] as { rules: { backendRefs: unknown[] }[] }).rules[rule]!.backendRefs;
const image = () =>
  (
    kube.deployment('shop', 'shop-canary')!['spec'] as {
      template: { spec: { containers: { name: string; image: string }[] } };
    }
  ).template.spec.containers.map((c) => `${c.name}=${c.image}`);

const deploy = (inputs: Record<string, string> = {}) =>
  runAction('deploy-canary', {
    inputs: {
      ...k8s,
      'canary-revision': 'shop-canary',
      'stable-revision': 'shop-stable',
      image: 'shop:2.0.0',
      'kubernetes-container': 'app',
      probes: '[{name: canary-version, url: "${CANARY_URL}/api/version", expect: {json: {version: 2.0.0}}}]',
      ...inputs,
    },
    env: env(),
  });
const shift = (inputs: Record<string, string> = {}) =>
  runAction('shift-traffic', {
    inputs: {
      ...k8s,
      'stable-revision': 'shop-stable',
      'canary-revision': 'shop-canary',
      steps: '10,50,100',
      'step-duration': '500ms',
      'check-interval': '150ms',
      probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
      ...inputs,
    },
    env: env(),
  });

describe('kubernetes provider', () => {
  it("deploy-canary sets the container's image, waits for the rollout, probes the canary; no traffic moves", async () => {
    const run = await deploy();
    expect(visibleLog(run)).not.toContain('::error');
    expect(run.code).toBe(0);
    expect(image()).toEqual(['sidecar=envoy:1', 'app=shop:2.0.0']);
    expect(run.outputs).toMatchObject({
      'canary-revision': 'shop-canary',
      'stable-revision': 'shop-stable',
      'canary-url': v2.url,
      split: '{"shop-stable":100}',
    });
    expect(backendRefs()).toEqual([{ name: 'shop-stable', port: 80, weight: 100 }]);
    expect(v2.hits('/api/version')).toBeGreaterThan(0);
    // kubectl spoke JSON patch, and the rollout was waited for by reading the Deployment.
    const patches = kube.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path.split('?')[0])).toEqual([
      '/apis/apps/v1/namespaces/shop/deployments/shop-canary',
    ]);
  });

  it('a route with several rules and no revision named in them: it asks instead of guessing', async () => {
    const run = await deploy({ 'stable-revision': '' });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::deploy-canary: the HTTPRoute has 2 rules with backends and none names shop-canary; name the revision (stable-revision, or to-revision for a rollback) so the right rule is used',
    );
    expect(image()).toEqual(['sidecar=envoy:1', 'app=shop:1.0.0']);
  });

  it('a canary whose rollout fails is reported in one line and gets no traffic', async () => {
    kube.failingImages.add('shop:broken');
    const run = await deploy({ image: 'shop:broken', 'initial-percent': '10' });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::deploy-canary: the rollout of deployment shop-canary failed: ReplicaSet "shop-canary-1" has timed out progressing.',
    );
    expect(backendRefs()).toEqual([{ name: 'shop-stable', port: 80, weight: 100 }]);
  });

  it('shift-traffic moves the weights of the rule that carries the revisions, keeping everything else', async () => {
    const run = await shift();
    expect(run.code).toBe(0);
    expect(run.outputs['outcome']).toBe('promoted');
    expect(backendRefs()).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { name: 'shop-canary', port: 80, weight: 100 },
    ]);
    expect(backendRefs(0)).toEqual([{ name: 'admin', port: 8080 }]);
    const route = kube.route('shop', 'shop')!;
    expect((route['spec'] as { hostnames: string[] }).hostnames).toEqual(['shop.example.com']);
    // Every weight change was guarded by the resourceVersion it was computed from.
    const patches = kube.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(3);
    for (const p of patches)
      expect((p.body as { op: string }[])[0]).toMatchObject({
        op: 'test',
        path: '/metadata/resourceVersion',
      });
  });

  it('a failing canary is rolled back on the route', async () => {
    v2.setMode('error');
    const run = await shift();
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(backendRefs()).toEqual([
      { name: 'shop-stable', port: 80, weight: 100 },
      { name: 'shop-canary', port: 80, weight: 0 },
    ]);
  });

  it('someone editing the route mid-rollout is drift: reported, left as found', async () => {
    const run = await runAction('shift-traffic', {
      inputs: {
        ...k8s,
        'stable-revision': 'shop-stable',
        'canary-revision': 'shop-canary',
        steps: '10,100',
        'step-duration': '3s',
        'check-interval': '200ms',
        probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
      },
      env: env(),
      whileRunning: async () => {
        while (!JSON.stringify(backendRefs()).includes('"weight":10'))
          await new Promise((r) => setTimeout(r, 20));
        const route = kube.route('shop', 'shop')!;
        (route['spec'] as { rules: { backendRefs: unknown[] }[] }).rules[1]!.backendRefs = [
          { name: 'shop-stable', port: 80, weight: 70 },
          { name: 'shop-canary', port: 80, weight: 30 },
        ];
        kube.put(route);
      },
    });
    expect(run.outputs['outcome']).toBe('drift');
    expect(backendRefs()).toEqual([
      { name: 'shop-stable', port: 80, weight: 70 },
      { name: 'shop-canary', port: 80, weight: 30 },
    ]);
  });

  it('rollback returns the route to the named revision', async () => {
    await shift({ steps: '10,50' });
    const run = await runAction('rollback', {
      inputs: {
        ...k8s,
        'to-revision': 'shop-stable',
        'kubernetes-namespace': 'shop',
        reason: 'error budget',
      },
      env: env(),
    });
    expect(run.code).toBe(0);
    expect(run.outputs['split']).toBe('{"shop-stable":100}');
    expect(backendRefs()).toEqual([
      { name: 'shop-stable', port: 80, weight: 100 },
      { name: 'shop-canary', port: 80, weight: 0 },
    ]);
  });

  it('rollback without a target returns to the revision that rolled out before (ReplicaSet history)', async () => {
    // One rule only: with no revision named, a rollback must be able to tell which rule is meant.
    const route = kube.route('shop', 'shop')!;
    const spec = route['spec'] as { rules: unknown[] };
    spec.rules = spec.rules.slice(1);
    kube.put(route);
    expect((await deploy()).code).toBe(0);
    expect((await shift()).outputs['outcome']).toBe('promoted');
    const run = await runAction('rollback', { inputs: { ...k8s, reason: 'checkout errors' }, env: env() });
    expect(run.code).toBe(0);
    expect(visibleLog(run)).toContain('The previous revision is shop-stable');
    expect(backendRefs(0)).toEqual([
      { name: 'shop-stable', port: 80, weight: 100 },
      { name: 'shop-canary', port: 80, weight: 0 },
    ]);
  });

  it('honours the namespace and context it is given: a route that is not there is one clear line', async () => {
    const run = await runAction('rollback', {
      inputs: { ...k8s, 'to-revision': 'shop-stable', 'kubernetes-namespace': 'payments' },
      env: env(),
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toMatch(
      /^::error::rollback: kubectl get httproute shop --output exited 1: Error from server \(NotFound\): namespaces "payments" not found$/,
    );
    const wrongContext = await runAction('rollback', {
      inputs: { ...k8s, 'to-revision': 'shop-stable', 'kubernetes-context': 'prod-eu' },
      env: env(),
    });
    expect(visibleLog(wrongContext)).toMatch(
      /context "prod-eu" does not exist|context was not found for specified context: prod-eu/,
    );
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('every rule that routes to the revisions moves together; a ServiceImport backend is kept as it was', async () => {
    const route = kube.route('shop', 'shop')!;
    (route['spec'] as { rules: unknown[] }).rules = [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 100 },
          { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'shop-eu', port: 80, weight: 0 },
        ],
      },
      { backendRefs: [{ name: 'shop-stable', port: 80, weight: 1 }] },
    ];
    kube.put(route);
    const run = await shift({ steps: '10,100' });
    expect(run.outputs['outcome']).toBe('promoted');
    expect(backendRefs(0)).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'shop-eu', port: 80, weight: 0 },
      { name: 'shop-canary', port: 80, weight: 100 },
    ]);
    expect(backendRefs(1)).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { name: 'shop-canary', port: 80, weight: 100 },
    ]);
  });

  it('a canary with no Service is refused before the route is touched (its users would get 500s)', async () => {
    const run = await shift({
      'canary-revision': 'shop-ghost',
      probes: '[{name: stable-health, url: "${STABLE_URL}/health"}]',
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toBe(
      'the rollout failed: canary-revision shop-ghost: there is no Service shop-ghost for the HTTPRoute to send traffic to (each revision is a Service of that name); create it or name an existing one, e.g. canary-revision: shop-canary',
    );
    expect(backendRefs()).toEqual([{ name: 'shop-stable', port: 80, weight: 100 }]);
    expect(routePatches()).toEqual([]);
  });

  it('a rule that pins testers to the canary is not the split: it is neither read nor rewritten', async () => {
    setRules([pinned, { backendRefs: [{ name: 'shop-stable', port: 80, weight: 100 }] }]);
    const run = await shift({ steps: '10,100' });
    expect(run.outputs['outcome']).toBe('promoted');
    expect(backendRefs(0)).toEqual(pinned.backendRefs);
    expect(backendRefs(1)).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { name: 'shop-canary', port: 80, weight: 100 },
    ]);
    for (const p of routePatches())
      expect((p.body as { path: string }[]).map((op) => op.path)).not.toContain('/spec/rules/0/backendRefs');
  });

  it('deploy-canary without stable-revision reads stable from the rule that carries it, not the pinned one', async () => {
    setRules([pinned, { backendRefs: [{ name: 'shop-stable', port: 80, weight: 100 }] }]);
    const run = await deploy({ 'stable-revision': '', 'initial-percent': '10' });
    expect(visibleLog(run)).not.toContain('::error');
    expect(run.outputs).toMatchObject({
      'stable-revision': 'shop-stable',
      split: '{"shop-canary":10,"shop-stable":90}',
    });
    expect(backendRefs(0)).toEqual(pinned.backendRefs);
  });

  it('a stable-revision no rule routes to is one clear line, and nothing moves', async () => {
    const run = await shift({ 'stable-revision': 'shop-blue' });
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'stable-revision shop-blue: no rule of the HTTPRoute routes to Service shop-blue (its rules route to admin, shop-stable); name the Service that serves traffic now, e.g. stable-revision: shop-stable',
    );
    expect(routePatches()).toEqual([]);
  });

  it('rules that carry stable but disagree on the split are reported, not one of them picked', async () => {
    setRules([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 90 },
          { name: 'shop-canary', port: 80, weight: 10 },
        ],
      },
      { backendRefs: [{ name: 'shop-stable', port: 80, weight: 100 }] },
    ]);
    const run = await shift();
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'the HTTPRoute rules that route to shop-stable disagree: spec.rules[0] sends shop-stable 90% / shop-canary 10%, spec.rules[1] sends shop-stable 100%',
    );
    expect(routePatches()).toEqual([]);
  });

  it("the canary's backendRef gets the canary Service's own port", async () => {
    service('shop-canary', v2.url, [8080]);
    const run = await shift({ steps: '10,100' });
    expect(run.outputs['outcome']).toBe('promoted');
    expect(backendRefs()).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { name: 'shop-canary', port: 8080, weight: 100 },
    ]);
  });

  it("a canary Service with several ports, none of them stable's, is one clear line and nothing moves", async () => {
    service('shop-canary', v2.url, [8080, 9090]);
    const run = await shift();
    expect(run.outputs['reason']).toBe(
      "the rollout failed: canary-revision shop-canary: Service shop-canary exposes ports 8080, 9090 and none is 80, the port of shop-stable's backendRef, so which one the route should use is not clear; give the Service one port, or expose 80 on it too, e.g. ports: [{name: http, port: 80}]",
    );
    expect(backendRefs()).toEqual([{ name: 'shop-stable', port: 80, weight: 100 }]);
    expect(routePatches()).toEqual([]);
  });

  it('a backend with traffic on a port its Service does not expose (ResolvedRefs False) is not a weight that took effect', async () => {
    service('shop-stable', v1.url, [8080]);
    const run = await shift();
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      "Gateway public-gateway cannot resolve the route's backendRefs (PortNotFound: TCP Port 80 not found on service shop/shop-stable): shop-stable (90%) on port 80, which Service shop-stable does not expose (it has 8080)",
    );
  });

  it('a route whose rule the Gateway drops (PartiallyInvalid) is not a weight that took effect', async () => {
    kube.gateway.unsupportedFilters = ['RequestMirror'];
    setRules([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
        backendRefs: [{ name: 'admin', port: 8080 }],
      },
      {
        filters: [
          { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shop-stable', port: 80 } } },
        ],
        backendRefs: [{ name: 'shop-stable', port: 80, weight: 100 }],
      },
    ]);
    const run = await shift();
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'Gateway public-gateway dropped part of the route (PartiallyInvalid, UnsupportedValue: Dropped Rule(s) 1: filter type RequestMirror is not supported)',
    );
  });

  it('a route the Gateway refuses is a failed step, not a weight that took effect', async () => {
    kube.gateway.refuses = {
      reason: 'NotAllowedByListeners',
      message: 'no listener of public-gateway allows routes from shop',
    };
    const run = await shift();
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      'Gateway public-gateway did not accept the route (NotAllowedByListeners: no listener of public-gateway allows routes from shop)',
    );
  });

  it('rollback without a target follows the last rollout even when the controller reused an old ReplicaSet', async () => {
    const route = kube.route('shop', 'shop')!;
    (route['spec'] as { rules: unknown[] }).rules = [
      {
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 100 },
          { name: 'shop-canary', port: 80, weight: 0 },
        ],
      },
    ];
    kube.put(route);
    // shop-stable once ran 1.0.0 (ReplicaSet shop-stable-1, long ago) and now runs 1.1.0.
    const template = (image: string) => ({ spec: { containers: [{ name: 'app', image }] } });
    kube.put({
      kind: 'Deployment',
      metadata: { name: 'shop-stable', namespace: 'shop', generation: 1 },
      spec: { replicas: 1, template: template('shop:1.1.0') },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    });
    for (const [n, image] of [
      [1, 'shop:1.0.0'],
      [2, 'shop:1.1.0'],
    ] as const)
      kube.put({
        kind: 'ReplicaSet',
        metadata: {
          name: `shop-stable-${n}`,
          namespace: 'shop',
          creationTimestamp: `2026-0${n}-01T00:00:00Z`,
          annotations: { 'deployment.kubernetes.io/revision': String(n) },
          ownerReferences: [{ kind: 'Deployment', name: 'shop-stable' }],
        },
        spec: { replicas: 1, template: template(image) },
      });
    // shop-canary rolls out 2.0.0 and takes all traffic; then 1.0.0 comes back on shop-stable
    // (the controller scales shop-stable-1 back up) and takes all traffic in turn.
    expect((await deploy()).code).toBe(0);
    expect((await shift()).outputs['outcome']).toBe('promoted');
    expect(
      (
        await deploy({
          'canary-revision': 'shop-stable',
          'stable-revision': 'shop-canary',
          image: 'shop:1.0.0',
          probes: '[{name: h, url: "${CANARY_URL}/health"}]',
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await shift({
          'canary-revision': 'shop-stable',
          'stable-revision': 'shop-canary',
          probes: '[{name: h, url: "${CANARY_URL}/health"}]',
        })
      ).outputs['outcome'],
    ).toBe('promoted');
    const run = await runAction('rollback', { inputs: { ...k8s, reason: 'old build is worse' }, env: env() });
    expect(run.code).toBe(0);
    expect(visibleLog(run)).toContain('The previous revision is shop-canary');
    expect(backendRefs(0)).toEqual([
      { name: 'shop-stable', port: 80, weight: 0 },
      { name: 'shop-canary', port: 80, weight: 100 },
    ]);
  });
});
