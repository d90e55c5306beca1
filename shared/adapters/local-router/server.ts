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
  const router = new WeightedRouter(options);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.url ?? '').startsWith(`${ADMIN_PREFIX}/`)) router.admin(req, res, body.toString('utf8'));
      else router.proxy(req, res, body);
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

type Answer = [status: number, value: unknown];

function json(res: ServerResponse, [status, value]: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

class WeightedRouter {
  private readonly revisions: Record<string, string>;
  private split: Split;
  private picker: Picker;
  private readonly counts: Record<string, RouterCounts>;

  constructor(private readonly options: LocalRouterOptions) {
    this.revisions = { ...options.revisions };
    this.split = normalizeSplit(options.split);
    this.picker = weightedPicker(this.split);
    this.counts = Object.fromEntries(
      Object.keys(this.revisions).map((r) => [r, { requests: 0, errors5xx: 0 }]),
    );
  }

  admin(req: IncomingMessage, res: ServerResponse, body: string): void {
    const route = `${req.method} ${(req.url ?? '').slice(ADMIN_PREFIX.length)}`;
    const revisions = Object.entries(this.revisions).map(([name, url]) => ({ name, url }));
    const answers: Record<string, () => Answer> = {
      'GET /split': () => [200, this.split],
      'PUT /split': () => this.putSplit(body),
      'GET /revisions': () => [200, revisions],
      'POST /revisions': () => this.addRevision(body),
      'GET /metrics': () => [200, this.counts],
    };
    json(res, answers[route]?.() ?? [404, { error: 'unknown admin path' }]);
  }

  private putSplit(body: string): Answer {
    let next: Split;
    try {
      next = normalizeSplit(JSON.parse(body) as Split);
    } catch {
      return [400, { error: 'body must be a JSON split' }];
    }
    const unknown = Object.keys(next).filter((r) => !(r in this.revisions));
    if (unknown.length > 0) return [400, { error: `unknown revision ${unknown.join(', ')}` }];
    if (splitTotal(next) !== 100) return [400, { error: `shares add up to ${splitTotal(next)}, not 100` }];
    this.split = next;
    this.picker = weightedPicker(next);
    return [200, next];
  }

  private addRevision(body: string): Answer {
    let added: { name?: unknown; url?: unknown };
    try {
      added = JSON.parse(body) as typeof added;
      new URL(String(added.url));
    } catch {
      return [400, { error: 'body must be {"name": …, "url": "http://…"}' }];
    }
    const name = String(added.name ?? '');
    if (!/^[\w.-]{1,63}$/.test(name)) return [400, { error: 'a revision name is letters, digits, . _ -' }];
    if ((this.split[name] ?? 0) > 0) return [409, { error: `${name} serves traffic; it cannot be replaced` }];
    this.revisions[name] = String(added.url);
    this.counts[name] = { requests: 0, errors5xx: 0 };
    return [201, { name, url: this.revisions[name] }];
  }

  proxy(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const revision = this.picker.next();
    if (!revision) return json(res, [503, { error: 'no revision has traffic' }]);
    const count = (this.counts[revision] ??= { requests: 0, errors5xx: 0 });
    count.requests++;
    const target = new URL(req.url ?? '/', this.revisions[revision]);
    const upstream = request(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host },
        timeout: this.options.upstreamTimeoutMs ?? 5000,
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
        json(res, [
          error.message === 'timeout' ? 504 : 502,
          { error: `revision ${revision} did not answer` },
        ]);
      else res.destroy();
    });
    upstream.end(body);
  }
}
