/**
 * A real HTTP service on 127.0.0.1 with the behaviours health probes meet in
 * production: healthy, slow, failing, flapping, hanging, wrong JSON, redirects,
 * and a Supabase-style REST endpoint that checks its API key. Every request is
 * recorded so tests can prove that nothing was sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startLoad } from './load.js';
import { runAction, type ActionRun } from './run-action.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * silent: answers as ok, but counts every request as a failure in app_failures_total.
 * users-error: /health and /api/version answer ok (what probes look at), every other path 500.
 * unscraped: answers users as ok, but /metrics answers 503: its series go stale in Prometheus.
 */
export type ServiceMode = 'ok' | 'error' | 'hang' | 'silent' | 'users-error' | 'unscraped';

export interface TestService {
  url: string;
  /** ok: normal; error: every request answers 500; hang: nothing answers. */
  setMode(mode: ServiceMode): void;
  requests: RecordedRequest[];
  /** Requests seen on one path (query ignored). */
  hits(path: string): number;
  close(): Promise<void>;
}

export interface ServiceOptions {
  version?: string;
  anonKey?: string;
  /** A secret the service leaks in its error bodies, to prove we never print bodies. */
  leakInBody?: string;
}

export async function startService(options: ServiceOptions = {}): Promise<TestService> {
  const version = options.version ?? '1.4.0';
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let flap = 0;
  let mode: ServiceMode = 'ok';

  const json = (
    res: ServerResponse,
    status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };

  const byCode = new Map<number, number>();
  let appFailures = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      if (mode === 'unscraped') {
        res.writeHead(503);
        return res.end();
      }
      // Prometheus's text format: what a real service exports for its dashboards.
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(
        [
          '# TYPE http_requests_total counter',
          ...[...byCode].map(([code, n]) => `http_requests_total{code="${code}"} ${n}`),
          '# TYPE app_failures_total counter',
          `app_failures_total ${appFailures}`,
          '',
        ].join('\n'),
      );
    }
    res.on('finish', () => byCode.set(res.statusCode, (byCode.get(res.statusCode) ?? 0) + 1));
    if (mode === 'silent') appFailures++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (mode === 'hang') return;
      if (mode === 'error') return json(res, 500, { error: `broken release ${options.leakInBody ?? ''}` });
      if (mode === 'users-error' && url.pathname !== '/health' && url.pathname !== '/api/version')
        return json(res, 500, { error: 'broken for users' });
      switch (url.pathname) {
        case '/health':
          return json(res, 200, { status: 'ok' });
        case '/healthz.json':
          return json(res, 200, { status: 'ok', checks: { db: 'ok' } }, { 'cache-control': 'no-store' });
        case '/api/v1/machines':
          return json(res, 200, {
            items: [{ id: 'm-1', name: 'press' }],
            limit: Number(url.searchParams.get('limit')),
          });
        case '/api/version':
          return json(res, 200, { version });
        case '/rest/v1/favorites': {
          const key = options.anonKey;
          if (!key || req.headers['apikey'] !== key || req.headers['authorization'] !== `Bearer ${key}`) {
            return json(res, 401, { message: `Invalid API key ${options.leakInBody ?? ''}` });
          }
          return json(res, 200, [{ count: 42 }], { 'content-range': '0-0/42' });
        }
        case '/slow':
          setTimeout(() => json(res, 200, { status: 'ok' }), Number(url.searchParams.get('ms') ?? 300));
          return;
        case '/error':
          return json(res, 500, { error: `boom ${options.leakInBody ?? ''}` });
        case '/flap':
          flap += 1;
          return flap % 2 === 1 ? json(res, 503, { error: 'blip' }) : json(res, 200, { status: 'ok' });
        case '/hang':
          return; // never answers
        case '/redirect-to':
          res.writeHead(Number(url.searchParams.get('status') ?? 302), {
            location: url.searchParams.get('url') ?? '/',
          });
          return res.end();
        case '/redirect':
          res.writeHead(302, { location: '/health' });
          return res.end();
        case '/loop':
          res.writeHead(302, { location: '/loop' });
          return res.end();
        case '/see-other':
          res.writeHead(303, { location: '/echo' });
          return res.end();
        case '/trickle': {
          // Headers at once, then a byte every 100 ms, never finishing.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => res.write('.'), 100);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case '/echo':
          return json(res, 200, { method: req.method, body, headers: req.headers });
        case '/text':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('all systems nominal\nbuild 7\n');
        default:
          return json(res, 404, { error: 'not found' });
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m) => void (mode = m),
    requests,
    hits: (path) => requests.filter((r) => r.url.split('?')[0] === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The two versions the traffic tests roll between: v1 (stable) and v2 (the canary). */
export async function startTwoVersions(): Promise<{ v1: TestService; v2: TestService }> {
  return { v1: await startService({ version: '1.0.0' }), v2: await startService({ version: '2.0.0' }) };
}

/** shift-traffic's inputs for moving the local router from v1 to v2. */
export function v1ToV2OnLocalRouter(routerUrl: string): Record<string, string> {
  return {
    provider: 'local',
    'local-router-url': routerUrl,
    'stable-revision': 'v1',
    'canary-revision': 'v2',
  };
}

/**
 * shift-traffic from v1 to v2 on a local router, as the runner runs it, while users
 * send 100 requests a second: short steps (50 %, 100 %), gates on their defaults.
 */
export async function shiftUnderLoad(
  routerUrl: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const load = startLoad(`${routerUrl}/health`, 100);
  try {
    return await runAction('shift-traffic', {
      inputs: {
        ...v1ToV2OnLocalRouter(routerUrl),
        steps: '50,100',
        'step-duration': '500ms',
        'check-interval': '250ms',
        'min-requests': '5',
        ...inputs,
      },
      env,
    });
  } finally {
    await load.stop();
  }
}
