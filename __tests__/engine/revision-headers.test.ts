/**
 * Every request the traffic actions send to a revision's own address (its probes,
 * the latency pairs, the tripwire's confirming requests) carries the headers the
 * router says that address needs: Vercel's Deployment Protection bypass.
 */
import type { HttpClient, HttpRequest } from '../../shared/adapters/http.js';
import { probeList } from '../../shared/core/probe-spec.js';
import { pairAtRouterAddresses } from '../../shared/engine/latency-pairs.js';
import { probeOnce, revisionProbes } from '../../shared/engine/revision-probes.js';
import { askAtRouterAddresses } from '../../shared/engine/tripwire.js';
import { memoryRouter, virtualClock } from '../support/in-memory.js';

const BYPASS = { 'x-vercel-protection-bypass': 'secret' };
const router = () =>
  memoryRouter(
    { blue: 100 },
    {
      revisions: [
        { name: 'blue', url: 'https://blue.vercel.app', headers: BYPASS },
        { name: 'green', url: 'https://green.vercel.app', headers: BYPASS },
      ],
    },
  ).provider;
const recording = () => {
  const sent: HttpRequest[] = [];
  const http: HttpClient = {
    send: async (request) => {
      sent.push(request);
      return { kind: 'response', response: { status: 200, headers: {}, body: '' }, latencyMs: 1 };
    },
  };
  return { sent, http };
};

describe("requests to a revision's own address", () => {
  it('probes carry its headers', async () => {
    const { sent, http } = recording();
    const specs = probeList.parse([{ name: 'canary', url: '${CANARY_URL}/health' }]);
    const probes = await revisionProbes(specs, {}, router(), { CANARY_URL: 'green' });
    expect(await probeOnce(probes, { http, clock: virtualClock() })).toEqual({ kind: 'passed' });
    expect(sent.map((r) => [r.url, r.headers])).toEqual([['https://green.vercel.app/health', BYPASS]]);
  });

  it('latency pairs and confirming requests carry them too', async () => {
    const { sent, http } = recording();
    await pairAtRouterAddresses(router(), http, '/', { stable: 'blue', canary: 'green' })();
    await askAtRouterAddresses(router(), http, '/ping')('green', 1000);
    expect(sent.length).toBe(5);
    for (const request of sent) expect(request.headers).toEqual(BYPASS);
  });
});
