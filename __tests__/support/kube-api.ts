/**
 * A local Kubernetes API server, enough for the real kubectl: discovery (/version,
 * /api, /apis and the group documents), Services, Deployments with their
 * ReplicaSets, and Gateway API HTTPRoutes; get, list and JSON-patch. A patched
 * Deployment rolls out the way the controller would: a new ReplicaSet, then, after
 * `rolloutMs`, ready replicas, or a ProgressDeadlineExceeded condition for an image
 * named in `failingImages`. Like the controller (pkg/controller/deployment), it reuses
 * the ReplicaSet whose pod template matches when an earlier template comes back
 * (bumping its revision, keeping its creationTimestamp) and updates the Progressing
 * condition's lastUpdateTime as a rollout starts and completes.
 *
 * HTTPRoutes get what a Gateway controller writes (Gateway API, HTTPRoute status):
 * per parentRef, Accepted and ResolvedRefs conditions with the route's
 * observedGeneration, `routeStatusMs` after each change of spec. ResolvedRefs is
 * False (BackendNotFound) when a Service backendRef names no Service, (PortNotFound)
 * when its port is not one the Service exposes, and (InvalidKind) for kinds other
 * than Service and ServiceImport; `gateway` can make the Gateway refuse the route
 * (Accepted False) or drop the rules whose filters it does not support
 * (PartiallyInvalid). Like the API server with the Gateway API CRDs, a write whose
 * Service backendRef has no port, or a weight outside 0–1 000 000, is refused (422).
 * Every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

type Json = Record<string, unknown>;
type Obj = Json & { metadata: Json & { name: string; namespace: string } };

export interface KubeApi {
  url: string;
  /** A kubeconfig whose current context points here, namespace `shop`. */
  kubeconfig: string;
  requests: { method: string; path: string; body?: unknown }[];
  route(namespace: string, name: string): Obj | undefined;
  deployment(namespace: string, name: string): Obj | undefined;
  put(object: Obj): void;
  failingImages: Set<string>;
  rolloutMs: number;
  /** How long the Gateway controller takes to report on a changed route. */
  routeStatusMs: number;
  gateway: {
    /** Accepted False with this reason and message, as a Gateway refusing the route. */
    refuses?: { reason: string; message: string };
    /** Filter types it does not implement: a rule with one is dropped (PartiallyInvalid). */
    unsupportedFilters?: string[];
  };
  close(): Promise<void>;
}

const RESOURCES: Record<string, { group: string; version: string; kind: string; plural: string }> = {
  services: { group: '', version: 'v1', kind: 'Service', plural: 'services' },
  deployments: { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets' },
  httproutes: {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'HTTPRoute',
    plural: 'httproutes',
  },
};
const VERBS = ['get', 'list', 'patch', 'update', 'create', 'delete', 'watch'];

function resourceList(group: string, version: string): Json {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: Object.values(RESOURCES)
      .filter((r) => r.group === group)
      .map((r) => ({
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: true,
        kind: r.kind,
        verbs: VERBS,
      })),
  };
}

/**
 * What the HTTPRoute CRD's schema refuses before any controller sees the route, as
 * the API server words it (422 Invalid). Gateway API apis/v1/object_reference_types.go:
 * BackendObjectReference's CEL rule "Must have port for Service reference"
 * (`(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true`), and
 * httproute_types.go: weight has Minimum=0, Maximum=1000000.
 */
export function routeSchemaError(route: Json): string | undefined {
  const name = String(((route['metadata'] ?? {}) as Json)['name']);
  const rules = (((route['spec'] ?? {}) as Json)['rules'] ?? []) as Json[];
  for (const [i, rule] of rules.entries()) {
    for (const [j, ref] of ((rule['backendRefs'] ?? []) as Json[]).entries()) {
      const at = `spec.rules[${i}].backendRefs[${j}]`;
      const service = (ref['group'] ?? '') === '' && (ref['kind'] ?? 'Service') === 'Service';
      if (service && ref['port'] === undefined)
        return `HTTPRoute.gateway.networking.k8s.io "${name}" is invalid: ${at}: Invalid value: "object": Must have port for Service reference`;
      const weight = ref['weight'];
      if (weight !== undefined && (typeof weight !== 'number' || weight < 0 || weight > 1_000_000))
        return `HTTPRoute.gateway.networking.k8s.io "${name}" is invalid: ${at}.weight: Invalid value: ${JSON.stringify(weight)}: ${at}.weight in body should be between 0 and 1000000`;
    }
  }
  return undefined;
}

/** RFC 6902 for the operations kubectl users send: add, replace, remove, test. */
export function applyJsonPatch(
  target: unknown,
  ops: { op: string; path: string; value?: unknown }[],
): unknown {
  const doc = structuredClone(target);
  for (const op of ops) {
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let parent = doc as Record<string, unknown> | unknown[];
    for (const k of keys) {
      const next = (parent as Record<string, unknown>)[k];
      if (next === undefined || next === null || typeof next !== 'object')
        throw new Error(`path ${op.path} not found`);
      parent = next as Record<string, unknown>;
    }
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : -1;
    switch (op.op) {
      case 'test':
        if (JSON.stringify((parent as Record<string, unknown>)[last]) !== JSON.stringify(op.value))
          throw new Error(`test failed at ${op.path}`);
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(index, 1);
        else delete parent[last];
        break;
      case 'add':
        if (Array.isArray(parent)) parent.splice(index, 0, op.value);
        else parent[last] = op.value;
        break;
      case 'replace':
        if (Array.isArray(parent)) {
          if (index >= parent.length) throw new Error(`path ${op.path} not found`);
          parent[index] = op.value;
        } else {
          if (!(last in parent)) throw new Error(`path ${op.path} not found`);
          parent[last] = op.value;
        }
        break;
      default:
        throw new Error(`unsupported op ${op.op}`);
    }
  }
  return doc;
}

export async function startKubeApi(): Promise<KubeApi> {
  const objects = new Map<string, Obj>();
  const requests: KubeApi['requests'] = [];
  const sockets = new Set<Socket>();
  const failingImages = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let resourceVersion = 100;
  let uid = 0;
  const key = (plural: string, ns: string, name: string) => `${plural}/${ns}/${name}`;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string) =>
    send(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    });

  const store = (plural: string, object: Obj) => {
    const r = RESOURCES[plural]!;
    object['apiVersion'] = r.group ? `${r.group}/${r.version}` : r.version;
    object['kind'] = r.kind;
    object.metadata['resourceVersion'] = String(++resourceVersion);
    object.metadata['uid'] ??= `uid-${++uid}`;
    object.metadata['creationTimestamp'] ??= new Date().toISOString();
    objects.set(key(plural, object.metadata.namespace, object.metadata.name), object);
  };

  /**
   * Why a backendRef does not resolve, as Envoy Gateway words it
   * (internal/gatewayapi/validate.go, validateBackendService: a Service that is not
   * there is BackendNotFound, a port the Service does not expose is PortNotFound,
   * "TCP Port 8080 not found on service shop/shop-stable"). Cross-namespace
   * references (ReferenceGrant) are not modelled.
   */
  const unresolvedRef = (ref: Json, namespace: string) => {
    const kind = (ref['kind'] as string | undefined) ?? 'Service';
    if (kind === 'ServiceImport') return undefined;
    if (kind !== 'Service') return { reason: 'InvalidKind', message: `kind ${kind} is not supported` };
    const ns = (ref['namespace'] as string | undefined) ?? namespace;
    const service = objects.get(key('services', ns, String(ref['name'])));
    if (!service)
      return { reason: 'BackendNotFound', message: `service ${ns}/${String(ref['name'])} not found` };
    const ports = (((service['spec'] ?? {}) as Json)['ports'] ?? []) as Json[];
    return ports.some((p) => p['port'] === ref['port'])
      ? undefined
      : {
          reason: 'PortNotFound',
          message: `TCP Port ${String(ref['port'])} not found on service ${ns}/${String(ref['name'])}`,
        };
  };

  /**
   * The rules a Gateway that lacks some filters drops. Gateway API
   * apis/v1/shared_types.go, RouteConditionPartiallyInvalid: a route with valid and
   * invalid rules gets PartiallyInvalid True (reason UnsupportedValue), and with the
   * "Drop Rule(s)" approach a message starting "Dropped Rule" and Accepted True at
   * the latest generation; a route whose rules are all invalid is not Accepted, and
   * PartiallyInvalid is then not set (it is only ever True).
   */
  const droppedRules = (rules: Json[]) =>
    rules.flatMap((rule, i) => {
      const filter = ((rule['filters'] ?? []) as Json[]).find((f) =>
        (api.gateway.unsupportedFilters ?? []).includes(String(f['type'])),
      );
      return filter ? [{ index: i, type: String(filter['type']) }] : [];
    });

  /** What a Gateway controller writes on the route after its spec changed. */
  const reportOnRoute = (route: Obj) => {
    const meta = route.metadata;
    const spec = (route['spec'] ?? {}) as Json;
    const generation = Number(meta['generation'] ?? 1);
    const rules = (spec['rules'] ?? []) as Json[];
    const refs = rules.flatMap((r) => (r['backendRefs'] ?? []) as Json[]);
    const unresolved = refs.map((ref) => unresolvedRef(ref, meta.namespace)).find((u) => u !== undefined);
    const dropped = droppedRules(rules);
    const types = [...new Set(dropped.map((d) => d.type))].join(', ');
    const refused =
      api.gateway.refuses ??
      (dropped.length > 0 && dropped.length === rules.length
        ? { reason: 'UnsupportedValue', message: `no rule is valid: filter type ${types} is not supported` }
        : undefined);
    const partial =
      !refused && dropped.length > 0
        ? {
            reason: 'UnsupportedValue',
            message: `Dropped Rule(s) ${dropped.map((d) => d.index).join(', ')}: filter type ${types} is not supported`,
          }
        : undefined;
    const condition = (
      type: string,
      verdict: { reason: string; message: string } | undefined,
      ok: string,
    ) => ({
      type,
      status: verdict ? 'False' : 'True',
      reason: verdict?.reason ?? ok,
      message: verdict?.message ?? '',
      observedGeneration: generation,
      lastTransitionTime: new Date().toISOString(),
    });
    route['status'] = {
      parents: ((spec['parentRefs'] ?? []) as Json[]).map((parentRef) => ({
        parentRef,
        controllerName: 'example.net/gateway-controller',
        conditions: [
          condition('Accepted', refused, 'Accepted'),
          condition('ResolvedRefs', unresolved, 'ResolvedRefs'),
          // Only ever True: the condition means "some rules were dropped".
          ...(partial ? [{ ...condition('PartiallyInvalid', undefined, partial.reason), ...partial }] : []),
        ],
      })),
    };
    meta['resourceVersion'] = String(++resourceVersion);
  };
  const routeChanged = (route: Obj, before: Obj | undefined) => {
    if (before && JSON.stringify(before['spec']) === JSON.stringify(route['spec'])) return;
    route.metadata['generation'] =
      Number(before?.metadata['generation'] ?? route.metadata['generation'] ?? 0) + 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      reportOnRoute(route);
    }, api.routeStatusMs);
    timers.add(timer);
  };

  /** What the deployment controller does after the pod template changed. */
  const rollOut = (deployment: Obj) => {
    const meta = deployment.metadata;
    const spec = deployment['spec'] as Json;
    const generation = Number(meta['generation'] ?? 1) + 1;
    meta['generation'] = generation;
    const template = spec['template'] as Json;
    const images = ((template['spec'] as Json)['containers'] as Json[]).map((c) => c['image'] as string);
    const owned = [...objects.values()].filter(
      (o) =>
        o['kind'] === 'ReplicaSet' &&
        o.metadata.namespace === meta.namespace &&
        (o.metadata['ownerReferences'] as Json[] | undefined)?.[0]?.['name'] === meta.name,
    );
    const revisionOf = (o: Obj) =>
      Number(((o.metadata['annotations'] ?? {}) as Json)['deployment.kubernetes.io/revision'] ?? 0);
    const revision = Math.max(0, ...owned.map(revisionOf)) + 1;
    const reused = owned.find(
      (o) => JSON.stringify((o['spec'] as Json)['template']) === JSON.stringify(template),
    );
    if (reused) {
      // The same pod template (same pod-template-hash): scale the old ReplicaSet back up.
      reused.metadata['annotations'] = {
        ...((reused.metadata['annotations'] ?? {}) as Json),
        'deployment.kubernetes.io/revision': String(revision),
      };
      reused.metadata['resourceVersion'] = String(++resourceVersion);
    } else {
      store('replicasets', {
        metadata: {
          name: `${meta.name}-${revision}`,
          namespace: meta.namespace,
          annotations: { 'deployment.kubernetes.io/revision': String(revision) },
          ownerReferences: [{ kind: 'Deployment', name: meta.name }],
          labels: { app: meta.name },
        },
        spec: { replicas: spec['replicas'] ?? 1, template },
      });
    }
    const replicaSetName = reused?.metadata.name ?? `${meta.name}-${revision}`;
    const replicas = Number(spec['replicas'] ?? 1);
    deployment['status'] = {
      observedGeneration: generation,
      replicas,
      updatedReplicas: 0,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          lastUpdateTime: new Date().toISOString(),
          message: `ReplicaSet "${replicaSetName}" is progressing.`,
        },
      ],
    };
    const timer = setTimeout(() => {
      timers.delete(timer);
      deployment['status'] = images.some((i) => failingImages.has(i))
        ? {
            observedGeneration: generation,
            replicas: replicas + 1,
            updatedReplicas: 1,
            readyReplicas: replicas,
            availableReplicas: replicas,
            unavailableReplicas: 1,
            conditions: [
              {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${replicaSetName}" has timed out progressing.`,
                lastUpdateTime: new Date().toISOString(),
              },
            ],
          }
        : {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                lastUpdateTime: new Date().toISOString(),
                message: `ReplicaSet "${replicaSetName}" has successfully progressed.`,
              },
            ],
          };
      meta['resourceVersion'] = String(++resourceVersion);
    }, api.rolloutMs);
    timers.add(timer);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return status(res, 400, 'BadRequest', 'body is not JSON');
    }
    requests.push({ method, path: url.pathname + url.search, ...(body !== undefined && { body }) });
    const p = url.pathname;
    if (p === '/version')
      return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
    if (p === '/api')
      return send(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    if (p === '/apis')
      return send(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: ['apps', 'gateway.networking.k8s.io'].map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
        })),
      });
    if (p === '/api/v1') return send(res, 200, resourceList('', 'v1'));
    const group = /^\/apis\/([^/]+)\/v1$/.exec(p);
    if (group) return send(res, 200, resourceList(group[1]!, 'v1'));

    const asked = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p)?.[1];
    if (asked !== undefined) {
      const exists = [...objects.values()].some((o) => o.metadata.namespace === asked);
      return exists
        ? send(res, 200, {
            kind: 'Namespace',
            apiVersion: 'v1',
            metadata: { name: asked },
            status: { phase: 'Active' },
          })
        : status(res, 404, 'NotFound', `namespaces "${asked}" not found`);
    }
    const match = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    const plural = match?.[3] ?? '';
    const resource = RESOURCES[plural];
    if (!match || !resource || (match[1] ?? '') !== resource.group)
      return status(res, 404, 'NotFound', `the server could not find the requested resource (${p})`);
    const [, , namespace = '', , name] = match;
    if (!name) {
      if (method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'method not allowed');
      const selector = url.searchParams.get('labelSelector');
      const items = [...objects.values()].filter(
        (o) =>
          o['kind'] === resource.kind &&
          o.metadata.namespace === namespace &&
          (!selector ||
            selector.split(',').every((term) => {
              const [k, v] = term.split('=');
              return ((o.metadata['labels'] ?? {}) as Json)[k as string] === v;
            })),
      );
      return send(res, 200, {
        kind: `${resource.kind}List`,
        apiVersion: resource.group ? `${resource.group}/v1` : 'v1',
        metadata: { resourceVersion: String(resourceVersion) },
        items,
      });
    }
    const existing = objects.get(key(plural, namespace, name));
    const notFound = () =>
      status(
        res,
        404,
        'NotFound',
        `${plural}${resource.group ? `.${resource.group}` : ''} "${name}" not found`,
      );
    if (method === 'GET') return existing ? send(res, 200, existing) : notFound();
    if (method === 'PATCH') {
      if (!existing) return notFound();
      if (!(req.headers['content-type'] ?? '').startsWith('application/json-patch+json'))
        return status(
          res,
          415,
          'UnsupportedMediaType',
          `this server applies JSON patches only, not ${req.headers['content-type']}`,
        );
      let patched: Obj;
      try {
        patched = applyJsonPatch(existing, body as { op: string; path: string }[]) as Obj;
      } catch (error) {
        return status(res, 422, 'Invalid', (error as Error).message);
      }
      const invalid = plural === 'httproutes' ? routeSchemaError(patched) : undefined;
      if (invalid) return status(res, 422, 'Invalid', invalid);
      const templateChanged =
        plural === 'deployments' &&
        JSON.stringify((existing['spec'] as Json)['template']) !==
          JSON.stringify((patched['spec'] as Json)['template']);
      store(plural, patched);
      if (templateChanged) rollOut(patched);
      if (plural === 'httproutes') routeChanged(patched, existing);
      return send(res, 200, patched);
    }
    return status(res, 405, 'MethodNotAllowed', 'method not allowed');
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => handle(req, res, raw));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-kube-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: local\n  cluster:\n    server: ${url}`,
      'users:',
      '- name: ci\n  user:\n    token: kube-test-token',
      'contexts:',
      '- name: local\n  context:\n    cluster: local\n    user: ci\n    namespace: shop',
      'current-context: local',
      '',
    ].join('\n'),
  );

  const api: KubeApi = {
    url,
    kubeconfig,
    requests,
    route: (ns, name) => objects.get(key('httproutes', ns, name)),
    deployment: (ns, name) => objects.get(key('deployments', ns, name)),
    put(object) {
      const plural = Object.values(RESOURCES).find((r) => r.kind === object['kind'])?.plural;
      if (!plural) throw new Error(`unknown kind ${String(object['kind'])}`);
      const copy = structuredClone(object);
      const invalid = plural === 'httproutes' ? routeSchemaError(copy) : undefined;
      if (invalid) throw new Error(invalid);
      const before = objects.get(key(plural, copy.metadata.namespace, copy.metadata.name));
      store(plural, copy);
      if (plural === 'httproutes') routeChanged(copy, before);
    },
    failingImages,
    rolloutMs: 300,
    routeStatusMs: 30,
    gateway: {},
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return api;
}
