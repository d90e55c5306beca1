import fc from 'fast-check';
import { parse } from 'yaml';
import { ConfigurationError } from '../../shared/core/errors.js';
import { buildProbes, probeList } from '../../shared/core/probe-spec.js';

const defaults = { timeoutMs: 10_000, samples: 1, retries: 2, retryDelayMs: 1000 };
const env = {
  API_BASE_URL: 'https://api.machinemate.example',
  SUPABASE_URL: 'https://proj.supabase.example',
  SUPABASE_ANON_KEY: 'anon-key-123456',
  RELEASE_VERSION: '1.4.0',
};
const specs = (yaml: string) => probeList.parse(parse(yaml));
const build = (yaml: string, baseUrl = '${API_BASE_URL}') =>
  buildProbes(specs(yaml), { input: 'probes', baseUrl, defaults, env });

describe('the runbooks probes, as written', () => {
  const built = build(`
- name: api-health
  url: /health
- name: machines
  url: /api/v1/machines?limit=1
- name: supabase-favorites
  url: \${SUPABASE_URL}/rest/v1/favorites?select=count&limit=1
  headers:
    apikey: \${SUPABASE_ANON_KEY}
    Authorization: Bearer \${SUPABASE_ANON_KEY}
- name: version
  url: /api/version
  samples: 5
  expect:
    json:
      version: \${RELEASE_VERSION}
    p95-latency: 400ms
`);

  it('joins paths to the base URL from the env', () => {
    expect(built.probes.map((p) => p.url)).toEqual([
      'https://api.machinemate.example/health',
      'https://api.machinemate.example/api/v1/machines?limit=1',
      'https://proj.supabase.example/rest/v1/favorites?select=count&limit=1',
      'https://api.machinemate.example/api/version',
    ]);
  });

  it('shows URLs as templates, so secret hosts stay hidden', () => {
    expect(built.displayUrls[0]).toBe('${API_BASE_URL}/health');
    expect(built.displayUrls[2]).toBe('${SUPABASE_URL}/rest/v1/favorites?select=count&limit=1');
  });

  it('sends the headers with their values and masks them', () => {
    expect(built.probes[2]?.headers).toEqual({
      apikey: 'anon-key-123456',
      authorization: 'Bearer anon-key-123456',
    });
    expect(built.secrets).toEqual(
      expect.arrayContaining([
        'anon-key-123456',
        'Bearer anon-key-123456',
        'https://api.machinemate.example',
      ]),
    );
  });

  it('does not treat an expected version as a secret', () => {
    expect(built.probes[3]?.expect.json).toEqual([{ path: ['version'], equals: '1.4.0' }]);
    expect(built.secrets).not.toContain('1.4.0');
  });

  it('applies defaults unless the probe overrides them', () => {
    expect(built.probes[0]).toMatchObject({
      method: 'GET',
      timeoutMs: 10_000,
      samples: 1,
      retries: 2,
      followRedirects: true,
    });
    expect(built.probes[3]).toMatchObject({ samples: 5, expect: { p95BudgetMs: 400 } });
  });
});

describe('expectation forms', () => {
  it('reads codes, ranges and classes', () => {
    const [p] = build(`[{name: a, url: /x, expect: {status: [200, "301-302", 4xx]}}]`).probes;
    expect(p?.expect.status).toEqual([
      { min: 200, max: 200 },
      { min: 301, max: 302 },
      { min: 400, max: 499 },
    ]);
  });

  it('reads header presence and equality', () => {
    const [p] = build(
      `[{name: a, url: /x, expect: {headers: {Content-Range: true, Cache-Control: no-store}}}]`,
    ).probes;
    expect(p?.expect.headers).toEqual([
      { name: 'content-range' },
      { name: 'cache-control', equals: 'no-store' },
    ]);
  });

  it('serialises a structured body as JSON', () => {
    const [p] = build(`[{name: a, url: /x, method: post, body: {ping: 1}}]`).probes;
    expect(p).toMatchObject({ method: 'POST', body: '{"ping":1}' });
  });
});

describe('mistakes', () => {
  const problem = (yaml: string, baseUrl?: string) => {
    try {
      build(yaml, baseUrl);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as Error).message;
    }
    try {
      specs(yaml);
    } catch {
      return 'schema';
    }
    return 'no error';
  };

  it('names an unset variable and how to set it', () => {
    expect(problem(`[{name: db, url: /x, headers: {apikey: "\${MISSING_KEY}"}}]`)).toBe(
      "Input 'probes' uses ${MISSING_KEY} in probes[0] (db) header 'apikey', but the environment variable MISSING_KEY is not set. " +
        'Example: env: { MISSING_KEY: ${{ secrets.MISSING_KEY }} } on the step',
    );
  });

  it('rejects a path without a base URL', () => {
    expect(problem(`[{name: a, url: /health}]`, '')).toMatch(
      /not an absolute http\(s\) URL \(set base-url to use paths\)/,
    );
  });

  it('rejects a non-http scheme without echoing a secret host', () => {
    const message = problem(`[{name: a, url: "ftp://\${SUPABASE_ANON_KEY}@x"}]`, '');
    expect(message).toMatch(/not an absolute http\(s\) URL/);
    expect(message).not.toContain('anon-key-123456');
  });

  it.each([
    `[{name: a, url: /x, expect: {status: 700}}]`,
    `[{name: a, url: /x, expect: {json: {"a..b": 1}}}]`,
    `[{name: a, url: /x, expect: {body-matches: "("}}]`,
    `[{name: a, url: /x, method: FETCH}]`,
    `[{name: a, url: /x, colour: red}]`,
    `[{name: a, url: /x}, {name: a, url: /y}]`,
  ])('schema rejects %s', (yaml) => expect(() => specs(yaml)).toThrow());
});

describe('a "__proto__" key, which zod would drop without a word', () => {
  const refusal = (yaml: string) => {
    try {
      probeList.parse(parse(yaml));
      return 'accepted';
    } catch (error) {
      return String(error instanceof Error ? error.message : error);
    }
  };
  it.each([
    ['expect.headers', '[{name: a, url: /, expect: {headers: {__proto__: x, etag: "1"}}}]', /__proto__/],
    ['headers', '[{name: a, url: /, headers: {__proto__: x, accept: "*/*"}}]', /__proto__/],
  ])('in %s is refused, never left unchecked or unsent', (_, yaml, says) =>
    expect(refusal(yaml)).toMatch(says),
  );

  it('in a body is sent as written', () => {
    const [probe] = build(
      '[{name: a, url: /, method: POST, body: {__proto__: {admin: true}, user: u}}]',
    ).probes;
    expect(JSON.parse(probe!.body!)).toEqual(JSON.parse('{"__proto__": {"admin": true}, "user": "u"}'));
    expect(probe!.body).toContain('__proto__');
  });
});

it('every header a user writes is sent or refused, whatever its name', () =>
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'x-a', 'hasOwnProperty'),
        {
          minLength: 1,
        },
      ),
      (names) => {
        const yaml = `[{name: a, url: /, headers: {${names.map((n) => `${n}: v`).join(', ')}}}]`;
        let sent: Record<string, string>;
        try {
          sent = build(yaml).probes[0]!.headers;
        } catch {
          return expect(names).toContain('__proto__');
        }
        for (const n of names) expect(Object.hasOwn(sent, n.toLowerCase())).toBe(true);
      },
    ),
  ));
