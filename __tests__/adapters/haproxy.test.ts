import { haproxyProvider } from '../../shared/adapters/providers/haproxy.js';
import { haproxyVersions, startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startService, type TestService } from '../support/service.js';

describe.each(haproxyVersions())('haproxy provider against real HAProxy %s', (_version, binary) => {
  let blue: TestService;
  let green: TestService;
  let proxy: RunningHaproxy;

  beforeAll(async () => {
    blue = await startService({ version: '1.0.0' });
    green = await startService({ version: '2.0.0' });
    proxy = await startHaproxy(
      { blue: { url: blue.url, weight: 100 }, green: { url: green.url, weight: 0 } },
      binary,
    );
  });
  afterAll(async () => {
    await proxy.stop();
    await blue.close();
    await green.close();
  });

  const provider = () => haproxyProvider({ socket: proxy.socket, backend: proxy.backend });

  async function send(path: string, n: number): Promise<Record<string, number>> {
    const versions: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${proxy.url}${path}`);
      const body = (await res.json()) as { version?: string };
      const key = body.version ?? String(res.status);
      versions[key] = (versions[key] ?? 0) + 1;
    }
    return versions;
  }

  it('reads the split from the weights', async () => {
    expect(await provider().readSplit()).toEqual({ blue: 100 });
  });

  it('sets a split that real requests follow exactly', async () => {
    await provider().setSplit({ blue: 90, green: 10 });
    expect(await provider().readSplit()).toEqual({ blue: 90, green: 10 });
    const seen = await send('/api/version', 200);
    // Weighted round robin is exact per rotation; the rotation already under way shifts one request.
    expect(seen['2.0.0']).toBeGreaterThanOrEqual(19);
    expect(seen['2.0.0']).toBeLessThanOrEqual(21);
    expect((seen['1.0.0'] ?? 0) + (seen['2.0.0'] ?? 0)).toBe(200);
  });

  it('counts responses per revision for the error-rate gate', async () => {
    const before = await provider().metrics!();
    await provider().setSplit({ blue: 50, green: 50 });
    await send('/health', 10);
    const after = await provider().metrics!();
    expect(after['blue']!.requests - before['blue']!.requests).toBe(5);
    expect(after['green']!.requests - before['green']!.requests).toBe(5);
    expect(after['green']!.errors5xx - before['green']!.errors5xx).toBe(0);
  });

  it('lists the servers as revisions with their addresses', async () => {
    expect(await provider().listRevisions()).toEqual([
      { name: 'blue', url: blue.url },
      { name: 'green', url: green.url },
    ]);
  });

  it('rejects a split naming a server the backend does not have, changing nothing', async () => {
    await provider().setSplit({ blue: 100 });
    await expect(provider().setSplit({ blue: 90, purple: 10 })).rejects.toThrow(
      "backend 'app' has no server purple (it has blue, green)",
    );
    expect(await provider().readSplit()).toEqual({ blue: 100 });
  });

  it('says clearly when the socket is not there', async () => {
    await expect(
      haproxyProvider({ socket: '/nonexistent/admin.sock', backend: 'app' }).readSplit(),
    ).rejects.toThrow('cannot reach the HAProxy runtime API at /nonexistent/admin.sock (ENOENT)');
  });

  it('deploys into the idle server when its address is unchanged (blue/green with fixed addresses)', async () => {
    await provider().setSplit({ blue: 100 });
    const address = new URL(green.url).host;
    expect(await provider().deploy!({ revision: 'green', address })).toEqual({
      name: 'green',
      url: green.url,
    });
    // Again: HAProxy 2.x says "no need to change the addr", 3.x "nothing changed".
    expect(await provider().deploy!({ revision: 'green', address })).toEqual({
      name: 'green',
      url: green.url,
    });
    expect(await provider().readSplit()).toEqual({ blue: 100 });
  });

  it('deploys a new port and a new address', async () => {
    const moved = await startService({ version: '2.0.1' });
    try {
      expect(await provider().deploy!({ revision: 'green', address: new URL(moved.url).host })).toEqual({
        name: 'green',
        url: moved.url,
      });
      expect(await provider().deploy!({ revision: 'green', address: new URL(green.url).host })).toMatchObject(
        {
          url: green.url,
        },
      );
    } finally {
      await moved.close();
    }
  });

  it('refuses a host name before the socket is asked anything', async () => {
    await expect(provider().deploy!({ revision: 'green', address: 'localhost:8080' })).rejects.toThrow(
      /as IP:port .* the runtime API takes no host names/,
    );
  });
});

describe('the admin socket writer', () => {
  it("refuses a command holding ';' or a line break, whatever the caller passed, and sends nothing", async () => {
    const [, binary] = haproxyVersions()[0]!;
    const proxy = await startHaproxy({ blue: { url: 'http://127.0.0.1:9', weight: 100 } }, binary);
    try {
      for (const backend of [
        'app;set weight app/blue 0',
        'app\nset weight app/blue 0',
        'app\r\nshutdown sessions server app/blue',
      ]) {
        const smuggling = haproxyProvider({ socket: proxy.socket, backend });
        await expect(smuggling.listRevisions()).rejects.toThrow(
          /refused to send HAProxy a command holding ';' or a line break/,
        );
      }
      expect(await haproxyProvider({ socket: proxy.socket, backend: proxy.backend }).readSplit()).toEqual({
        blue: 100,
      });
    } finally {
      await proxy.stop();
    }
  });
});
