import { ConfigurationError } from '../../shared/core/errors.js';
import { planProbes, probeFileSpecs, probeLine, probingLine } from '../../shared/core/probe-plan.js';
import type { ProbeVerdict } from '../../shared/core/verdict.js';

const defaults = { timeoutMs: 10_000, samples: 1, retries: 2, retryDelayMs: 1000 };
const context = { baseUrl: 'https://api.example', defaults, env: {} };
const messageOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).message;
  }
  throw new Error('expected a ConfigurationError');
};

describe('probeFileSpecs reads a config file', () => {
  it.each([
    ['a bare list', '- name: a\n  url: /a\n'],
    ['probes: under a mapping', 'probes:\n  - name: a\n    url: /a\n'],
  ])('%s', async (_, text) => {
    expect((await probeFileSpecs(text, 'hc.yml')).map((p) => p.name)).toEqual(['a']);
  });

  it.each([
    ['broken YAML', 'probes: [', /names hc\.yml, which is not valid YAML/],
    ['a probe without a url', '- name: a\n', /names hc\.yml, which .*probes\[0\]\.url/],
    ['an unknown key beside probes', 'probes: []\nextra: 1\n', /names hc\.yml, which/],
  ])('refuses %s, naming config', async (_, text, pattern) => {
    await expect(probeFileSpecs(text, 'hc.yml')).rejects.toThrow(pattern);
  });
});

describe('planProbes', () => {
  const spec = async (name: string) => (await probeFileSpecs(`- name: ${name}\n  url: /${name}\n`, 'f'))[0]!;

  it('sends the inline probes first, then the file', async () => {
    const built = planProbes([await spec('a')], [await spec('b')], context);
    expect(built.probes.map((p) => p.url)).toEqual(['https://api.example/a', 'https://api.example/b']);
  });

  it('refuses a name used twice across inline and file', async () => {
    const [a, again] = [await spec('a'), await spec('a')];
    expect(messageOf(() => planProbes([a], [again], context))).toMatch(/repeats the probe name 'a'/);
  });

  it.each([
    ['only a file', [], 'config'],
    ['inline probes', ['x'], 'probes'],
  ])('blames the input that holds the bad probe (%s)', async (_, inline, input) => {
    const bad = await probeFileSpecs('- name: bad\n  url: /${MISSING}\n', 'f');
    const inlineSpecs = inline.length ? bad : [];
    const fileSpecs = inline.length ? [] : bad;
    expect(() => planProbes(inlineSpecs, fileSpecs, context)).toThrow(
      expect.objectContaining({ input }) as unknown as Error,
    );
  });
});

describe('the log lines', () => {
  const verdict: ProbeVerdict = {
    name: 'api',
    url: 'https://api.example/health',
    method: 'GET',
    healthy: false,
    reason: 'status 503, expected 200-299',
    status: 503,
    samples: 1,
    failedSamples: 1,
    attempts: 3,
    blips: 0,
  };
  it.each([
    [verdict, 'DOWN api: GET https://api.example/health → 503 — status 503, expected 200-299'],
    [
      { ...verdict, healthy: true, reason: undefined, status: 200, latencyMs: { p50: 12.4, p95: 30.6 } },
      'up   api: GET https://api.example/health → 200 p50 12ms p95 31ms',
    ],
    [
      { ...verdict, status: undefined, reason: 'no answer (timeout)' },
      'DOWN api: GET https://api.example/health → no response — no answer (timeout)',
    ],
  ])('probeLine %#', (p, line) => {
    expect(probeLine(p as ProbeVerdict)).toBe(line);
  });
  it('probingLine counts in the singular and plural', () => {
    expect(probingLine(1, 8)).toBe('Probing 1 endpoint (concurrency 8)');
    expect(probingLine(3, 8)).toBe('Probing 3 endpoints (concurrency 8)');
  });
});
