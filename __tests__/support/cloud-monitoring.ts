/**
 * A local Cloud Monitoring PromQL API (v1/projects/{p}/location/global/prometheus/api/v1/query)
 * holding Cloud Run's run.googleapis.com/request_count as Cloud Run writes it: one
 * count per request, labelled with revision_name, service_name, location,
 * project_id and response_code_class.
 *
 * It fails as the real API does where our client depends on it (Google's method
 * reference and error model): no or a wrong bearer token → 401 UNAUTHENTICATED; a
 * project the caller may not read → 403 PERMISSION_DENIED; a location other than
 * "global" → 400 INVALID_ARGUMENT; a PromQL error → Prometheus' own JSON error body.
 * Samples become visible only `delayMs` after the request, as Cloud Run's counts do
 * (sampled every 60 s, then up to 180 s before they show).
 *
 * It evaluates one query shape, the one shift-traffic sends (sum by revision and
 * class of increase() over a label selector); anything else is answered as a
 * PromQL error, so a change of query cannot pass here by accident.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RequestSample {
  service: string;
  region: string;
  revision: string;
  status: number;
  /** ms since the epoch; default now. */
  at?: number;
}

export interface CloudMonitoringApi {
  /** gcloud's endpoint override for monitoring, which shift-traffic honours. */
  endpoint: string;
  queries: { project: string; query: string; authorization?: string }[];
  record(sample: RequestSample): void;
  /** From now on, refuse every query with this status (e.g. 403: no monitoring.viewer). */
  refuse(status: 401 | 403 | 500 | undefined): void;
  close(): Promise<void>;
}

const QUERY =
  /^sum by \(revision_name, response_code_class\) \(increase\(run_googleapis_com:request_count\{([^}]*)\}\[(\d+)s\]\)\)$/;

export async function startCloudMonitoring(options: {
  project: string;
  token: string;
  delayMs: number;
}): Promise<CloudMonitoringApi> {
  const samples: Required<RequestSample>[] = [];
  const queries: CloudMonitoringApi['queries'] = [];
  let refusal: number | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const googleError = (res: ServerResponse, code: number, status: string, message: string) =>
    send(res, code, { error: { code, message, status } });
  const promError = (res: ServerResponse, message: string) =>
    send(res, 400, { status: 'error', errorType: 'bad_data', error: message });

  const answer = (req: IncomingMessage, res: ServerResponse, form: URLSearchParams) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/v1\/projects\/([^/]+)\/location\/([^/]+)\/prometheus\/api\/v1\/query$/.exec(
      url.pathname,
    );
    if (!route) return googleError(res, 404, 'NOT_FOUND', `${url.pathname} not found`);
    const project = decodeURIComponent(route[1]!);
    const query = form.get('query') ?? url.searchParams.get('query') ?? '';
    queries.push({
      project,
      query,
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    });
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return googleError(
        res,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    if (refusal === 401)
      return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (refusal === 403 || project !== options.project)
      return googleError(
        res,
        403,
        'PERMISSION_DENIED',
        `Permission monitoring.timeSeries.list denied (or the resource may not exist).`,
      );
    if (refusal === 500) return googleError(res, 500, 'INTERNAL', 'Internal error encountered.');
    if (route[2] !== 'global') return googleError(res, 400, 'INVALID_ARGUMENT', 'location must be "global"');
    const shape = QUERY.exec(query);
    if (!shape)
      return promError(
        res,
        `this stand-in evaluates only shift-traffic's request_count query, not: ${query}`,
      );
    const selector = new Map<string, string>();
    for (const part of shape[1]!.split(',')) {
      const label = /^(\w+)="((?:[^"\\]|\\.)*)"$/.exec(part.trim());
      if (!label) return promError(res, `1:1: parse error: unexpected label matcher ${part}`);
      selector.set(label[1]!, JSON.parse(`"${label[2]}"`) as string);
    }
    const time = Number(form.get('time') ?? url.searchParams.get('time') ?? Date.now() / 1000) * 1000;
    const rangeMs = Number(shape[2]) * 1000;
    const visible = Date.now() - options.delayMs;
    const counts = new Map<string, number>();
    for (const s of samples) {
      const labels: Record<string, string> = {
        monitored_resource: 'cloud_run_revision',
        service_name: s.service,
        location: s.region,
        project_id: options.project,
        revision_name: s.revision,
      };
      if ([...selector].some(([k, v]) => labels[k] !== v)) continue;
      if (s.at > visible || s.at > time || s.at <= time - rangeMs) continue;
      const key = `${s.revision}\n${Math.floor(s.status / 100)}xx`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return send(res, 200, {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [...counts].map(([key, n]) => {
          const [revision_name, response_code_class] = key.split('\n');
          return { metric: { revision_name, response_code_class }, value: [time / 1000, String(n)] };
        }),
      },
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form =
        req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : new URLSearchParams();
      answer(req, res, form);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    queries,
    record: (s) => void samples.push({ ...s, at: s.at ?? Date.now() }),
    refuse: (status) => void (refusal = status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
