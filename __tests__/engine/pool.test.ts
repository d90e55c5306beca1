import { mapBounded } from '../../shared/engine/pool.js';

/** Work that records when each item starts and ends, on a shared step counter. */
function recorder() {
  let inFlight = 0;
  const peak = { all: 0, byKey: new Map<string, number>() };
  const started: number[] = [];
  const live = new Map<string, number>();
  const work = async (item: { key: string; ms: number }, index: number) => {
    started.push(index);
    inFlight++;
    live.set(item.key, (live.get(item.key) ?? 0) + 1);
    peak.all = Math.max(peak.all, inFlight);
    peak.byKey.set(item.key, Math.max(peak.byKey.get(item.key) ?? 0, live.get(item.key)!));
    await new Promise((resolve) => setTimeout(resolve, item.ms));
    inFlight--;
    live.set(item.key, live.get(item.key)! - 1);
    return `${item.key}${index}`;
  };
  return { work, peak, started };
}

it('keeps input order in the results, within the overall bound', async () => {
  const items = Array.from({ length: 10 }, (_, i) => ({ key: 'a', ms: 10 - i }));
  const { work, peak } = recorder();
  const results = await mapBounded(items, { limit: 3 }, work);
  expect(results).toEqual(items.map((_, i) => `a${i}`));
  expect(peak.all).toBe(3);
});

it('bounds each key, and lets another key go ahead of a full one', async () => {
  const items = [
    ...Array.from({ length: 6 }, () => ({ key: 'slow-host', ms: 30 })),
    ...Array.from({ length: 2 }, () => ({ key: 'other', ms: 1 })),
  ];
  const { work, peak, started } = recorder();
  await mapBounded(items, { limit: 8, perKey: 2, keyOf: (i) => i.key }, work);
  expect(peak.byKey.get('slow-host')).toBe(2);
  // The other host's probes start among the first four, not after all six slow ones.
  expect(started.slice(0, 4).sort()).toEqual([0, 1, 6, 7]);
});

it('answers at once for no items, and rejects with the first failure', async () => {
  await expect(mapBounded([], { limit: 4 }, async () => 1)).resolves.toEqual([]);
  await expect(
    mapBounded([1, 2, 3], { limit: 2 }, async (n) => {
      if (n === 2) throw new Error('boom');
      return n;
    }),
  ).rejects.toThrow('boom');
});
