/**
 * In-process stand-ins for the fast paths: a clock that only moves when code sleeps,
 * and a router that keeps its split in memory and records every change. Each refuses
 * what the real routers refuse for a split: a revision it does not have.
 */
import type { Clock } from '../../shared/adapters/clock.js';
import type { Revision, TrafficProvider } from '../../shared/adapters/providers/provider.js';
import type { Split } from '../../shared/core/traffic/split.js';

export function virtualClock(): Clock & { elapsed: () => number } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    date: () => new Date(Date.UTC(2026, 10, 30) + now),
    elapsed: () => now,
  };
}

export interface MemoryRouter {
  provider: TrafficProvider;
  split: Split;
  sets: Split[];
  deployed: string[];
}

export function memoryRouter(
  initial: Split,
  options: {
    revisions?: Revision[];
    onSet?: (split: Split, router: MemoryRouter) => void;
  } = {},
): MemoryRouter {
  const revisions = [...(options.revisions ?? [{ name: 'green' }, { name: 'blue' }])];
  const router: MemoryRouter = {
    split: initial,
    sets: [],
    deployed: [],
    provider: {
      kind: 'memory',
      readSplit: async () => router.split,
      setSplit: async (split) => {
        const unknown = Object.keys(split).filter((r) => !revisions.some((x) => x.name === r));
        if (unknown.length > 0) throw new Error(`no revision ${unknown.join(', ')}`);
        router.sets.push(split);
        router.split = split;
        options.onSet?.(split, router);
      },
      listRevisions: async () => revisions,
      deploy: async (request) => {
        const revision = {
          name: request.revision || `app-${revisions.length + 1}`,
          url: 'http://127.0.0.1:9/',
        };
        revisions.unshift(revision);
        router.deployed.push(revision.name);
        return revision;
      },
    },
  };
  return router;
}
