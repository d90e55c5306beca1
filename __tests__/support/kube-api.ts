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
 * False (BackendNotFound) when a Service backendRef names no Service, and
 * (InvalidKind) for kinds other than Service and ServiceImport; `gateway` can make
 * the Gateway refuse the route (Accepted False). Every request is recorded.
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
  /** Accepted False with this reason and message, as a Gateway refusing the route. */
  gateway: { refuses?: { reason: string; message: string } };
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

  /** What a Gateway controller writes on the route after its spec changed. */
  const reportOnRoute = (route: Obj) => {
    const meta = route.metadata;
    const spec = (route['spec'] ?? {}) as Json;
    const generation = Number(meta['generation'] ?? 1);
    const refs = ((spec['rules'] ?? []) as Json[]).flatMap((r) => (r['backendRefs'] ?? []) as Json[]);
    const unresolved = refs
      .map((ref) => {
        const kind = (ref['kind'] as string | undefined) ?? 'Service';
        if (kind === 'ServiceImport') return undefined;
        if (kind !== 'Service') return { reason: 'InvalidKind', message: `kind ${kind} is not supported` };
        return objects.has(key('services', meta.namespace, String(ref['name'])))
          ? undefined
          : {
              reason: 'BackendNotFound',
              message: `service ${meta.namespace}/${String(ref['name'])} not found`,
            };
      })
      .find((u) => u !== undefined);
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
          condition('Accepted', api.gateway.refuses, 'Accepted'),
          condition('ResolvedRefs', unresolved, 'ResolvedRefs'),
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
