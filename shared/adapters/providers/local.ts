/** The embedded local router (rehearsals only), over its admin API. */
import * as z from 'zod/mini';
import type { RouterMetrics } from '../../core/traffic/gates.js';
import { normalizeSplit } from '../../core/traffic/split.js';
import { redactUrl } from '../../core/url.js';
import { ADMIN_PREFIX } from '../local-router/admin-api.js';
import { ProviderError, type Revision, type TrafficProvider } from './provider.js';

const splitJson = z.record(z.string(), z.number());
const revisionJson = z.object({ name: z.string(), url: z.string() });
const revisionsJson = z.array(revisionJson);
const metricsJson = z.record(z.string(), z.object({ requests: z.number(), errors5xx: z.number() }));

export function localProvider(routerUrl: string): TrafficProvider {
  const call = async <T>(
    path: string,
    schema: z.ZodMiniType<T>,
    init?: { method: string; body: string },
  ): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${routerUrl.replace(/\/$/, '')}${ADMIN_PREFIX}${path}`, {
        ...init,
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new ProviderError(
        `cannot reach the local router at ${redactUrl(routerUrl)} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new ProviderError(`the local router refused ${path}: ${body.error ?? res.status}`);
    return schema.parse(body);
  };
  return {
    kind: 'local',
    readSplit: async () => normalizeSplit(await call('/split', splitJson)),
    setSplit: async (split) =>
      void (await call('/split', splitJson, { method: 'PUT', body: JSON.stringify(split) })),
    // The router keeps revisions in the order they were added: newest first, as
    // rollback's "previous revision" needs (and as Cloud Run lists them).
    listRevisions: async (): Promise<Revision[]> => (await call('/revisions', revisionsJson)).reverse(),
    metrics: async (): Promise<RouterMetrics> => call('/metrics', metricsJson),
    // "Deploying" to the local router registers a process that already runs.
    deploy: async ({ revision, address }) => {
      if (!revision || !address)
        throw new ProviderError(
          'the local router deploys a running process: give canary-revision and canary-address',
        );
      const url = /^https?:\/\//.test(address) ? address : `http://${address}`;
      return call('/revisions', revisionJson, {
        method: 'POST',
        body: JSON.stringify({ name: revision, url }),
      });
    },
  };
}
