/**
 * An embedded weighted router for rehearsals and for trying the suite without a
 * platform. Not for production: one process, no TLS, no health checks of its own.
 * It proxies each request to a revision chosen by weight, counts answers per
 * revision, and takes its split over a small admin API under /__release-actions/.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterCounts } from '../../core/traffic/gates.js';
import { normalizeSplit, splitTotal, type Split } from '../../core/traffic/split.js';
import { weightedPicker, type Picker } from '../../core/traffic/weighted-picker.js';
import { ADMIN_PREFIX } from './admin-api.js';

export interface LocalRouter {
  url: string;
  close(): Promise<void>;
}

export interface LocalRouterOptions {
  port?: number;
  /** Revision name → base URL of the process serving it. */
  revisions: Record<string, string>;
  split: Split;
  /** Time a revision may take to answer before the router answers 504. */
  upstreamTimeoutMs?: number;
}

export async function startLocalRouter(options: LocalRouterOptions): Promise<LocalRouter> {
  const revisions = { ...options.revisions };
  let split = normalizeSplit(options.split);
  let picker: Picker = weightedPicker(split);
  const counts: Record<string, RouterCounts> = Object.fromEntries(
    Object.keys(revisions).map((r) => [r, { requests: 0, errors5xx: 0 }]),
  );

  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  const admin = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '').slice(ADMIN_PREFIX.length);
    if (path === '/split' && req.method === 'GET') return json(res, 200, split);
    if (path === '/split' && req.method === 'PUT') {
      let next: Split;
      try {
        next = normalizeSplit(JSON.parse(body) as Split);
      } catch {
        return json(res, 400, { error: 'body must be a JSON split' });
      }
      const unknown = Object.keys(next).filter((r) => !(r in revisions));
      if (unknown.length > 0) return json(res, 400, { error: `unknown revision ${unknown.join(', ')}` });
      if (splitTotal(next) !== 100)
        return json(res, 400, { error: `shares add up to ${splitTotal(next)}, not 100` });
      split = next;
      picker = weightedPicker(split);
      return json(res, 200, split);
    }
    if (path === '/revisions' && req.method === 'GET')
      return json(
        res,
        200,
        Object.entries(revisions).map(([name, url]) => ({ name, url })),
      );
    if (path === '/revisions' && req.method === 'POST') {
      let added: { name?: unknown; url?: unknown };
      try {
        added = JSON.parse(body) as typeof added;
        new URL(String(added.url));
      } catch {
        return json(res, 400, { error: 'body must be {"name": …, "url": "http://…"}' });
      }
      const name = String(added.name ?? '');
      if (!/^[\w.-]{1,63}$/.test(name))
        return json(res, 400, { error: 'a revision name is letters, digits, . _ -' });
      if ((split[name] ?? 0) > 0)
        return json(res, 409, { error: `${name} serves traffic; it cannot be replaced` });
      revisions[name] = String(added.url);
      counts[name] = { requests: 0, errors5xx: 0 };
      return json(res, 201, { name, url: revisions[name] });
    }
    if (path === '/metrics' && req.method === 'GET') return json(res, 200, counts);
    return json(res, 404, { error: 'unknown admin path' });
  };

  const proxy = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const revision = picker.next();
    if (!revision) return json(res, 503, { error: 'no revision has traffic' });
    const count = (counts[revision] ??= { requests: 0, errors5xx: 0 });
    count.requests++;
    const target = new URL(req.url ?? '/', revisions[revision]);
    const upstream = request(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host },
        timeout: options.upstreamTimeoutMs ?? 5000,
      },
      (answer) => {
        if ((answer.statusCode ?? 500) >= 500) count.errors5xx++;
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'x-release-actions-revision': revision,
        });
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (error) => {
      count.errors5xx++;
      if (!res.headersSent)
        json(res, error.message === 'timeout' ? 504 : 502, { error: `revision ${revision} did not answer` });
      else res.destroy();
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.url ?? '').startsWith(`${ADMIN_PREFIX}/`)) admin(req, res, body.toString('utf8'));
      else proxy(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
