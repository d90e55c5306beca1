/** The latency comparison's requests (step-evidence), sent over HTTP. */
import type { HttpClient } from '../adapters/http.js';
import type { Revision, TrafficProvider } from '../adapters/providers/provider.js';
import type { PairSide } from './step-evidence.js';

/** How often a latency pair is sent while a step is compared. */
export const PAIR_EVERY_MS = 250;
/** A canary answer slower than this is as good as none for a pair: it counts as slower. */
const PAIR_TIMEOUT_MS = 2000;

/**
 * Latency pairs over HTTP: one request to each revision's own address at once (the
 * addresses the router lists, read once: Cloud Run's come from a CLI call that takes
 * a second). A revision without an address answers with an error, which the
 * comparison takes as "stable cannot be asked" and then leaves latency out.
 */
export function pairAtRouterAddresses(
  provider: TrafficProvider,
  http: HttpClient,
  path: string,
  names: { stable: string; canary: string },
): () => Promise<{ canary: PairSide; stable: PairSide }> {
  let addresses: Promise<Map<string, Revision>> | undefined;
  const side = async (revision: string): Promise<PairSide> => {
    addresses ??= provider
      .listRevisions()
      .then((listed) => new Map(listed.flatMap((r) => (r.url ? [[r.name, r] as const] : []))))
      .catch(() => new Map());
    const found = (await addresses).get(revision);
    if (!found?.url) return { ok: false, latencyMs: 0 };
    const outcome = await http.send({
      url: `${found.url.replace(/\/+$/, '')}${path}`,
      method: 'GET',
      headers: found.headers ?? {},
      timeoutMs: PAIR_TIMEOUT_MS,
      followRedirects: false,
    });
    const ok = outcome.kind === 'response' && outcome.response.status < 500;
    return { ok, latencyMs: outcome.latencyMs };
  };
  return async () => {
    const [canary, stable] = await Promise.all([side(names.canary), side(names.stable)]);
    return { canary, stable };
  };
}
