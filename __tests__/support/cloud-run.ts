/**
 * A local Cloud Run Admin API (the v1 Knative-style surface gcloud uses), reached
 * by the real gcloud CLI through its proxy settings. It keeps services and
 * revisions in memory and acts like Cloud Run where gcloud depends on it: it fills
 * in default traffic on create, creates a revision for each new template, resolves
 * `latestRevision` and tags in status.traffic, and reports observedGeneration and a
 * Ready condition so gcloud stops polling at once.
 *
 * Requests reach revisions as Cloud Run's do, and are counted as Cloud Monitoring
 * counts them: run.googleapis.com/request_count is "the number of requests reaching
 * the revision", and it "excludes requests that are not reaching your container
 * instances (e.g. unauthorized requests or when maximum number of instances is
 * reached)" (cloud.google.com/monitoring/api/metrics_gcp, run). So a request to a
 * revision with no instance to answer (its container never started) gets a 503 and
 * is not counted, and a request to a tag URL (a front of its own here, as
 * https://TAG---SERVICE-HASH.a.run.app is) is counted under the tagged revision, as
 * users' requests are: probes of the canary's tag URL are in its counts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCloudMonitoring, type CloudMonitoringApi } from './cloud-monitoring.js';

type Json = Record<string, unknown>;

interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
  url?: string;
}

interface Service {
  metadata: Json & {
    name: string;
    namespace: string;
    generation: number;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: {
    template: { metadata?: Json & { name?: string; annotations?: Record<string, string> }; spec: Json };
    traffic?: TrafficTarget[];
  };
  status?: Json;
}

interface Revision {
  name: string;
  created: string;
  image: string;
  service: string;
  /** false: its container never started (Ready False, as Cloud Run reports a crashing image). */
  ready?: boolean;
}

export interface CloudRunApi {
  /** Give gcloud these variables to send its requests here. */
  env: Record<string, string>;
  requests: { method: string; path: string; body?: unknown }[];
  /** Each tag's URL: a front that reaches the tagged revision's instances and is counted. */
  tagUrls: Readonly<Record<string, string>>;
  /** Where each service's own URL points (it reaches whatever has its traffic). */
  serviceUrls: Record<string, string>;
  /** Cloud Monitoring for this project: Cloud Run's request counts, written by userRequest. */
  monitoring: CloudMonitoringApi;
  /** Where each revision's instances answer, by revision name; user requests and tag URLs reach them. */
  revisionUrls: Record<string, string>;
  /** Where the instances of revisions running an image answer, for revisions deploys create. */
  imageUrls: Record<string, string>;
  /**
   * One user request to the service, routed by its current traffic split as Cloud
   * Run routes (weighted), and counted in Cloud Monitoring as Cloud Run counts it.
   * Answers the status: 503, uncounted, when the revision has no instance to answer.
   */
  userRequest(service: string, path: string): Promise<number>;
  /** Fail the next request whose method and path match with this status. */
  failNext(method: string, pathPattern: RegExp, status: number): void;
  seed(
    name: string,
    revisions: { name: string; image: string; ready?: boolean }[],
    traffic: TrafficTarget[],
  ): void;
  traffic(name: string): Record<string, number>;
  close(): Promise<void>;
}

export async function startCloudRunApi(
  project: string,
  region: string,
  configDir: string,
  options: { metricsDelayMs?: number } = {},
): Promise<CloudRunApi> {
  const monitoring = await startCloudMonitoring({
    project,
    token: 'test-token',
    delayMs: options.metricsDelayMs ?? 1000,
  });
  const revisionUrls: Record<string, string> = {};
  const routed = new Map<string, number>();
  const services = new Map<string, Service>();
  const revisions: Revision[] = [];
  const requests: CloudRunApi['requests'] = [];
  const tagUrls: Record<string, string> = {};
  const fronts: Server[] = [];
  const frontUrls = new Map<string, string>();
  const imageUrls: Record<string, string> = {};
  const serviceUrls: Record<string, string> = {};
  const failures: { method: string; pattern: RegExp; status: number }[] = [];
  let counter = 0;

  const latestReady = (service: string) => revisions.filter((r) => r.service === service).at(-1)?.name;

  const resolveStatus = (svc: Service) => {
    const name = svc.metadata.name;
    const latest = latestReady(name);
    const traffic = (svc.spec.traffic ?? [{ latestRevision: true, percent: 100 }]).map((t) => {
      const revisionName = t.latestRevision ? latest : t.revisionName;
      return {
        ...(revisionName && { revisionName }),
        ...(t.latestRevision && { latestRevision: true }),
        percent: t.percent ?? 0,
        ...(t.tag && {
          tag: t.tag,
          url: frontUrls.get(`${name}/${t.tag}`) ?? `https://${t.tag}---${name}-abc123-uc.a.run.app`,
        }),
      };
    });
    svc.status = {
      observedGeneration: svc.metadata.generation,
      conditions: ['Ready', 'ConfigurationsReady', 'RoutesReady'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: new Date().toISOString(),
      })),
      latestCreatedRevisionName: latest,
      latestReadyRevisionName: latest,
      traffic,
      url: serviceUrls[name] ?? `https://${name}-abc123-uc.a.run.app`,
      address: { url: serviceUrls[name] ?? `https://${name}-abc123-uc.a.run.app` },
    };
  };

  /** Where a revision's instances answer; undefined when it has none (never started, no URL given). */
  const instanceOf = (revision: string): string | undefined => {
    const r = revisions.find((x) => x.name === revision);
    if (!r || r.ready === false) return undefined;
    return revisionUrls[revision] ?? imageUrls[r.image];
  };

  /** A request to one revision, counted only if it reached an instance. */
  const reach = async (
    service: string,
    revision: string,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<{ status: number; headers: Headers; body: Buffer }> => {
    const base = instanceOf(revision);
    if (!base) return { status: 503, headers: new Headers(), body: Buffer.from('Service Unavailable') };
    let answer: { status: number; headers: Headers; body: Buffer };
    try {
      const res = await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        ...(init.headers && { headers: init.headers }),
        ...(init.body?.length && { body: init.body }),
        signal: AbortSignal.timeout(5000),
      });
      answer = { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
    } catch {
      // The instance took the request and gave no answer: Cloud Run answers for it, and counts it.
      answer = { status: 504, headers: new Headers(), body: Buffer.from('upstream request timeout') };
    }
    monitoring.record({ service, region, revision, status: answer.status });
    return answer;
  };

  /** The tag's own URL: a front that reaches whichever revision carries the tag now. */
  const ensureFront = async (service: string, tag: string): Promise<void> => {
    if (frontUrls.has(`${service}/${tag}`)) return;
    const front = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = ((services.get(service)?.status?.['traffic'] as TrafficTarget[]) ?? []).find(
          (t) => t.tag === tag,
        );
        if (!target?.revisionName) {
          res.writeHead(404).end('Not Found');
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
        void reach(service, target.revisionName, req.url ?? '/', {
          method: req.method ?? 'GET',
          headers,
          body: Buffer.concat(chunks),
        }).then((answer) => {
          const type = answer.headers.get('content-type');
          res.writeHead(answer.status, type ? { 'content-type': type } : {}).end(answer.body);
        });
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    fronts.push(front);
    const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    frontUrls.set(`${service}/${tag}`, url);
    tagUrls[tag] = url;
  };

  const addRevision = (svc: Service, image: string) => {
    counter += 1;
    const wanted = svc.spec.template.metadata?.name;
    const name =
      wanted && !revisions.some((r) => r.name === wanted)
        ? wanted
        : `${svc.metadata.name}-${String(counter).padStart(5, '0')}-${'abcdefghij'[counter % 10]}x${counter}`;
    revisions.push({
      name,
      image,
      created: new Date(Date.now() + counter * 1000).toISOString(),
      service: svc.metadata.name,
    });
  };

  const imageOf = (svc: Service) =>
    (svc.spec.template.spec['containers'] as { image?: string }[] | undefined)?.[0]?.image ?? '';

  const revisionJson = (r: Revision) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name: r.name,
      namespace: project,
      creationTimestamp: r.created,
      labels: {
        'serving.knative.dev/service': r.service,
        'serving.knative.dev/configuration': r.service,
        'cloud.googleapis.com/location': region,
      },
      annotations: {},
      generation: 1,
    },
    spec: { containers: [{ image: r.image }] },
    status: {
      observedGeneration: 1,
      conditions: [
        r.ready === false
          ? {
              type: 'Ready',
              status: 'False',
              reason: 'HealthCheckContainerError',
              message:
                'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.',
            }
          : { type: 'Ready', status: 'True' },
      ],
      imageDigest: `${r.image}@sha256:0`,
    },
  });

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, what: string) =>
    send(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `${what} not found` } });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://run.googleapis.com');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Service) : undefined;
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname + url.search, ...(body && { body }) });
      const failure = failures.findIndex((f) => f.method === method && f.pattern.test(url.pathname));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        return send(res, f!.status, {
          error: { code: f!.status, status: 'FAILED_PRECONDITION', message: 'injected failure' },
        });
      }
      const base = `/apis/serving.knative.dev/v1/namespaces/${project}`;
      if (url.pathname.endsWith(':testIamPermissions'))
        return send(res, 200, { permissions: ['run.services.setIamPolicy'] });
      if (url.pathname === `${base}/revisions`) {
        const selector = url.searchParams.get('labelSelector') ?? '';
        const service = /serving\.knative\.dev\/service=([^,]+)/.exec(selector)?.[1];
        const items = revisions.filter((r) => !service || r.service === service).map(revisionJson);
        return send(res, 200, {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'RevisionList',
          metadata: {},
          items,
        });
      }
      const match = new RegExp(`^${base}/services(?:/([^/]+))?$`).exec(url.pathname);
      if (!match) return notFound(res, url.pathname);
      const name = match[1];
      if (method === 'GET' && name) {
        const svc = services.get(name);
        return svc ? send(res, 200, svc) : notFound(res, `Service ${name}`);
      }
      if ((method === 'PUT' && name) || (method === 'POST' && !name)) {
        if (!body) return send(res, 400, { error: { code: 400, message: 'no body' } });
        const key = name ?? body.metadata.name;
        const existing = services.get(key);
        if (method === 'POST' && existing) return send(res, 409, { error: { code: 409, message: 'exists' } });
        if (method === 'PUT' && !existing) return notFound(res, `Service ${key}`);
        const svc: Service = {
          ...body,
          metadata: {
            ...body.metadata,
            name: key,
            namespace: project,
            generation: (existing?.metadata.generation ?? 0) + 1,
          },
        };
        // Cloud Run sets these itself and refuses a template that names one (its docs,
        // "Configure environment variables": reserved names).
        const reserved = ((body.spec.template.spec['containers'] as { env?: { name?: string }[] }[]) ?? [])
          .flatMap((c) => c.env ?? [])
          .map((e) => e.name)
          .filter((n) => ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'].includes(n ?? ''));
        if (reserved.length)
          return send(res, 400, {
            error: {
              code: 400,
              message: `The following reserved env names were provided: ${reserved.join(', ')}. These values are automatically set by the system.`,
              status: 'INVALID_ARGUMENT',
            },
          });
        // Knative's route validation (serving/pkg/apis/serving/v1/route_validation.go):
        // traffic percents must add up to 100, and every named revision must exist.
        const targets = body.spec.traffic ?? [];
        const sum = targets.reduce((n, t) => n + (t.percent ?? 0), 0);
        if (targets.length > 0 && sum !== 100)
          return send(res, 400, {
            error: {
              code: 400,
              message: `spec.traffic: Traffic targets sum to ${sum}, want 100`,
              status: 'INVALID_ARGUMENT',
            },
          });
        // The revision this request's template creates counts (gcloud deploy names it).
        const unknown = targets.find(
          (t) =>
            t.revisionName &&
            t.revisionName !== body.spec.template.metadata?.name &&
            !revisions.some((r) => r.name === t.revisionName && r.service === key),
        );
        if (unknown)
          return send(res, 400, {
            error: {
              code: 400,
              message: `spec.traffic: Revision named '${unknown.revisionName}' could not be found`,
              status: 'INVALID_ARGUMENT',
            },
          });
        const templateChanged =
          !existing || JSON.stringify(existing.spec.template) !== JSON.stringify(body.spec.template);
        if (templateChanged) addRevision(svc, imageOf(svc));
        if (!svc.spec.traffic?.length) svc.spec.traffic = [{ latestRevision: true, percent: 100 }];
        services.set(key, svc);
        const tags = (svc.spec.traffic ?? []).flatMap((t) => (t.tag ? [t.tag] : []));
        return void Promise.all(tags.map((tag) => ensureFront(key, tag))).then(() => {
          resolveStatus(svc);
          send(res, 200, svc);
        });
      }
      return send(res, 405, { error: { code: 405, message: `${method} not supported` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    env: {
      CLOUDSDK_CONFIG: configDir,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'test-token',
      CLOUDSDK_CORE_PROJECT: project,
      CLOUDSDK_RUN_REGION: region,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: 'http://run.googleapis.com/',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING: monitoring.endpoint,
      CLOUDSDK_PROXY_TYPE: 'http',
      CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
      CLOUDSDK_PROXY_PORT: String(port),
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
      CLOUDSDK_CORE_SHOULD_PROMPT_TO_ENABLE_API: 'false',
      CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    },
    requests,
    tagUrls,
    serviceUrls,
    monitoring,
    revisionUrls,
    imageUrls,
    async userRequest(service, path) {
      // Smooth weighted round robin: over any 100 requests each revision gets its percent.
      const split = Object.entries(trafficOf(service));
      let best: string | undefined;
      for (const [revision, percent] of split) {
        routed.set(revision, (routed.get(revision) ?? 0) + percent);
        if (!best || routed.get(revision)! > routed.get(best)!) best = revision;
      }
      if (!best) return 404;
      routed.set(best, routed.get(best)! - 100);
      return (await reach(service, best, path)).status;
    },
    failNext: (method, pattern, status) => void failures.push({ method, pattern, status }),
    seed(name, revs, traffic) {
      const svc: Service = {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: {
          name,
          namespace: project,
          generation: 1,
          labels: { 'cloud.googleapis.com/location': region },
          annotations: {},
        },
        spec: {
          template: {
            metadata: { name: revs.at(-1)?.name ?? '' },
            spec: { containers: [{ image: revs.at(-1)?.image ?? '' }] },
          },
          traffic,
        },
      } as Service;
      for (const r of revs) {
        counter += 1;
        revisions.push({
          name: r.name,
          image: r.image,
          created: new Date(Date.now() + counter * 1000).toISOString(),
          service: name,
          ...(r.ready === false && { ready: false }),
        });
      }
      services.set(name, svc);
      resolveStatus(svc);
    },
    traffic: trafficOf,
    close: async () => {
      await monitoring.close();
      await Promise.all(
        fronts.map(
          (f) => new Promise<void>((resolve) => (f.close(() => resolve()), f.closeAllConnections())),
        ),
      );
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function trafficOf(name: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of (services.get(name)?.status?.['traffic'] as TrafficTarget[]) ?? []) {
      if (t.revisionName && (t.percent ?? 0) > 0)
        out[t.revisionName] = (out[t.revisionName] ?? 0) + (t.percent ?? 0);
    }
    return out;
  }
}
