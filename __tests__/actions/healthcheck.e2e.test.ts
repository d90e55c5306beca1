/**
 * dist/healthcheck/index.js run as the runner runs it, against real local services.
 */
import { maskedValues, runAction, visibleLog, type ActionRun } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

const ANON_KEY = 'sb-anon-5d1f0c9e7a2b4e61';
const LEAK = 'leaked-db-password-91c2';
let api: TestService;
let supabase: TestService;

beforeAll(async () => {
  api = await startService({ version: '1.4.0', leakInBody: LEAK });
  supabase = await startService({ anonKey: ANON_KEY, leakInBody: LEAK });
});
afterAll(async () => {
  await api.close();
  await supabase.close();
});

const secretsAbsent = (run: ActionRun, secrets: string[]) => {
  const places = {
    stdout: visibleLog(run),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
  };
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      expect({ where, found: text.includes(secret) }).toEqual({ where, found: false });
    }
  }
};

const report = (run: ActionRun) => JSON.parse(run.outputs['report'] ?? '{}');

describe('healthcheck, as the runbooks probe', () => {
  let run: ActionRun;
  beforeAll(async () => {
    run = await runAction('healthcheck', {
      env: {
        HEALTHCHECK_API_BASE_URL: api.url,
        HEALTHCHECK_SUPABASE_REST_URL: supabase.url,
        HEALTHCHECK_SUPABASE_ANON_KEY: ANON_KEY,
        RELEASE_VERSION: '1.4.0',
      },
      inputs: {
        'base-url': '${HEALTHCHECK_API_BASE_URL}',
        samples: '5',
        probes: `
- name: api-health
  url: /health
  expect:
    json:
      status: ok
    p95-latency: 400ms
- name: machines
  url: /api/v1/machines?limit=1
  expect:
    json:
      items[0].id: m-1
- name: supabase-favorites
  url: \${HEALTHCHECK_SUPABASE_REST_URL}/rest/v1/favorites?select=count&limit=1
  headers:
    apikey: \${HEALTHCHECK_SUPABASE_ANON_KEY}
    Authorization: Bearer \${HEALTHCHECK_SUPABASE_ANON_KEY}
  expect:
    status: 200
    headers:
      content-range: true
    json:
      "[0].count": 42
- name: version
  url: /api/version
  expect:
    json:
      version: \${RELEASE_VERSION}
`,
      },
    });
  });

  it('passes and says so in its outputs', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs['healthy']).toBe('true');
    expect(run.outputs['failed']).toBe('');
  });

  it('reports every probe with latency percentiles over its samples', () => {
    const r = report(run);
    expect(r.probes.map((p: { name: string }) => p.name)).toEqual([
      'api-health',
      'machines',
      'supabase-favorites',
      'version',
    ]);
    for (const p of r.probes) {
      expect(p).toMatchObject({ healthy: true, status: 200, samples: 5, attempts: 5 });
      expect(p.latencyMs.count).toBe(5);
      expect(p.latencyMs.p95).toBeGreaterThanOrEqual(p.latencyMs.p50);
    }
    expect(r.probes[0].p95BudgetMs).toBe(400);
  });

  it('sent the secrets to the service and nowhere else', () => {
    const sent = supabase.requests.filter((q) => q.url.startsWith('/rest/v1/favorites'));
    expect(sent).toHaveLength(5);
    expect(sent[0]?.headers['apikey']).toBe(ANON_KEY);
    expect(sent[0]?.headers['authorization']).toBe(`Bearer ${ANON_KEY}`);
    expect(maskedValues(run)).toEqual(expect.arrayContaining([ANON_KEY, api.url, supabase.url]));
    secretsAbsent(run, [ANON_KEY, api.url, supabase.url]);
  });

  it('writes a summary with a row per probe and a latency chart', () => {
    expect(run.summary).toContain('## ✅ Healthcheck: healthy — 4 of 4 probes passed');
    expect(run.summary).toMatch(
      /\| api-health \| GET \$\{HEALTHCHECK\\_API\\_BASE\\_URL\}\/health \| ✅ up \| 200 \| \d+ ms \| \d+ ms \/ 400 ms \|/,
    );
    expect(run.summary).toContain('```mermaid\nxychart-beta');
    expect(run.summary).toContain('x-axis ["api-health", "machines", "supabase-favorites", "version"]');
  });
});

describe('healthcheck verdicts', () => {
  const check = (probes: string, inputs: Record<string, string> = {}) =>
    runAction('healthcheck', { inputs: { 'base-url': api.url, 'retry-delay': '50ms', probes, ...inputs } });

  it('fails the step on a confirmed outage, naming the probe and why, without printing the body', async () => {
    const run = await check(`[{name: checkout, url: /error}]`);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ healthy: 'false', failed: 'checkout' });
    expect(report(run).probes[0]).toMatchObject({
      status: 500,
      attempts: 3,
      reason: 'status 500, expected 2xx (failed 3 of 3 attempts)',
    });
    expect(run.stdout).toContain('::error title=Probe checkout is down::GET');
    expect(run.stdout.trim().split('\n').pop()).toBe(
      '::error::1 of 1 probes down: checkout (status 500, expected 2xx (failed 3 of 3 attempts))',
    );
    expect(run.summary).toContain('❌ Healthcheck: unhealthy — 1 of 1 probes down');
    secretsAbsent(run, [LEAK]);
  });

  it('as a monitor, reports the outage and leaves the decision to later steps', async () => {
    const run = await check(`[{name: checkout, url: /error}, {name: home, url: /health}]`, {
      'fail-on-unhealthy': 'false',
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ healthy: 'false', failed: 'checkout' });
    expect(run.stdout).toContain('::warning title=Probe checkout is down::');
    expect(run.stdout).not.toContain('::error');
  });

  it('does not call a flapping endpoint down for one blip', async () => {
    const run = await check(`[{name: flaky, url: /flap, samples: 4}]`);
    expect(run.code).toBe(0);
    expect(report(run).probes[0]).toMatchObject({ healthy: true, blips: expect.any(Number) });
    expect(report(run).probes[0].blips).toBeGreaterThanOrEqual(1);
    expect(run.summary).toMatch(/blips? recovered on retry/);
  });

  it('calls it down when retries are switched off', async () => {
    const before = api.hits('/flap');
    const run = await check(`[{name: flaky, url: /flap, retries: 0, samples: 4}]`);
    // The service alternates, so with four samples at least one first attempt fails.
    expect(api.hits('/flap') - before).toBeLessThanOrEqual(4);
    expect(run.outputs['healthy']).toBe('false');
  });

  it('ends a hanging endpoint at its timeout; the job does not hang', async () => {
    const run = await check(`[{name: stuck, url: /hang, timeout: 300ms, retries: 1}]`);
    expect(run.code).toBe(1);
    expect(report(run).probes[0].reason).toBe('no answer within 300ms (timeout) (failed 2 of 2 attempts)');
    expect(run.durationMs).toBeLessThan(5000);
  });

  it('catches a deployed version that does not match', async () => {
    const run = await check(
      `- name: version\n  url: /api/version\n  expect:\n    json:\n      version: \${RELEASE_VERSION}`,
      {},
    );
    expect(run.code).toBe(1); // RELEASE_VERSION unset here: a configuration error
    const wrong = await runAction('healthcheck', {
      env: { RELEASE_VERSION: '1.5.0' },
      inputs: {
        'base-url': api.url,
        retries: '0',
        probes: `- name: version\n  url: /api/version\n  expect:\n    json:\n      version: \${RELEASE_VERSION}`,
      },
    });
    expect(wrong.code).toBe(1);
    expect(report(wrong).probes[0].reason).toBe('JSON version is "1.4.0", expected "1.5.0"');
  });

  it('calls a body that is not JSON down when a JSON field is expected', async () => {
    const run = await check(`[{name: status, url: /text, retries: 0, expect: {json: {status: ok}}}]`);
    expect(run.code).toBe(1);
    expect(report(run).probes[0]).toMatchObject({ status: 200, reason: 'body is not JSON' });
  });

  it('fails a p95 budget that every single request met individually', async () => {
    const run = await check(`[{name: slow, url: "/slow?ms=120", samples: 3, expect: {p95-latency: 50ms}}]`);
    expect(run.code).toBe(1);
    expect(report(run).probes[0].reason).toMatch(/^p95 1\d\dms over the 50ms budget \(3 samples\)$/);
  });

  it('follows redirects by default and can assert the redirect itself', async () => {
    const run = await check(
      `[{name: r1, url: /redirect}, {name: r2, url: /redirect, follow-redirects: false, expect: {status: 302, headers: {location: /health}}}]`,
    );
    expect(run.code).toBe(0);
    expect(report(run).probes.map((p: { status: number }) => p.status)).toEqual([200, 302]);
  });

  it('checks body text and patterns', async () => {
    const run = await check(
      `[{name: text, url: /text, expect: {body-contains: nominal, body-matches: "^build \\\\d+$"}}]`,
    );
    expect(run.code).toBe(0);
  });

  it('reads probes from a config file in the repository', async () => {
    const run = await runAction('healthcheck', {
      files: {
        '.github/healthcheck.yml': `probes:\n  - name: health\n    url: ${api.url}/healthz.json\n    expect:\n      headers:\n        cache-control: no-store\n`,
      },
      inputs: { config: '.github/healthcheck.yml' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(report(run).probes[0]).toMatchObject({ name: 'health', healthy: true });
  });

  it('runs probes concurrently, within the bound', async () => {
    const probes = `[${Array.from({ length: 8 }, (_, i) => `{name: p${i}, url: "/slow?ms=400"}`).join(', ')}]`;
    const wide = await check(probes, { concurrency: '8' });
    const narrow = await check(probes, { concurrency: '2' });
    expect(wide.code).toBe(0);
    expect(wide.durationMs).toBeLessThan(narrow.durationMs);
    expect(narrow.durationMs).toBeGreaterThanOrEqual(1600); // 8 probes, 2 at a time, 400 ms each
  });

  it('bounds the probes against one host with per-host, whatever the overall bound', async () => {
    const probes = `[${Array.from({ length: 8 }, (_, i) => `{name: p${i}, url: "/slow?ms=400"}`).join(', ')}]`;
    const run = await check(probes, { concurrency: '8', 'per-host': '2' });
    expect(run.code).toBe(0);
    expect(run.durationMs).toBeGreaterThanOrEqual(1600);
  });
});
