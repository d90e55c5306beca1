import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import { localProvider } from '../../shared/adapters/providers/local.js';
import { weightedPicker } from '../../shared/core/traffic/weighted-picker.js';
import { startService, type TestService } from '../support/service.js';

describe('weightedPicker', () => {
  it.each([
    [
      { a: 90, b: 10 },
      { a: 90, b: 10 },
    ],
    [
      { a: 50, b: 50 },
      { a: 50, b: 50 },
    ],
    [{ a: 100 }, { a: 100 }],
    [
      { a: 33, b: 33, c: 34 },
      { a: 33, b: 33, c: 34 },
    ],
  ])('%j is exact over 100 picks', (split, expected) => {
    const picker = weightedPicker(split);
    const seen: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const r = picker.next()!;
      seen[r] = (seen[r] ?? 0) + 1;
    }
    expect(seen).toEqual(expected);
  });

  it('picks nothing from an empty split', () => expect(weightedPicker({}).next()).toBeUndefined());
});

describe('local router and provider', () => {
  let v1: TestService;
  let v2: TestService;
  let router: LocalRouter;
  beforeAll(async () => {
    v1 = await startService({ version: '1.0.0' });
    v2 = await startService({ version: '2.0.0' });
    router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
  });
  afterAll(async () => {
    await router.close();
    await v1.close();
    await v2.close();
  });

  const send = async (n: number) => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${router.url}/api/version`);
      const key =
        res.status >= 500 ? String(res.status) : ((await res.json()) as { version: string }).version;
      seen[key] = (seen[key] ?? 0) + 1;
    }
    return seen;
  };

  it('routes by the split it is given and counts per revision', async () => {
    const provider = localProvider(router.url);
    await provider.setSplit({ v1: 90, v2: 10 });
    expect(await provider.readSplit()).toEqual({ v1: 90, v2: 10 });
    const before = await provider.metrics!();
    expect(await send(100)).toEqual({ '1.0.0': 90, '2.0.0': 10 });
    v2.setMode('error');
    await send(100);
    v2.setMode('ok');
    const after = await provider.metrics!();
    expect(after['v2']!.requests - before['v2']!.requests).toBe(20);
    expect(after['v2']!.errors5xx - before['v2']!.errors5xx).toBe(10);
  });

  it('lists revisions with their addresses, newest first (rollback reads the previous one)', async () => {
    expect(await localProvider(router.url).listRevisions()).toEqual([
      { name: 'v2', url: v2.url },
      { name: 'v1', url: v1.url },
    ]);
  });

  it('refuses a split with an unknown revision or that is not 100 %', async () => {
    await expect(localProvider(router.url).setSplit({ v1: 90, v3: 10 })).rejects.toThrow(
      'the local router refused /split: unknown revision v3',
    );
    await expect(localProvider(router.url).setSplit({ v1: 90 })).rejects.toThrow(
      'shares add up to 90, not 100',
    );
  });

  it('says clearly when the router is not running', async () => {
    await expect(localProvider('http://127.0.0.1:9').readSplit()).rejects.toThrow(
      /cannot reach the local router at http:\/\/127.0.0.1:9/,
    );
  });
});
