import { judgeOutcome, type Outcome, type Probe } from '../../shared/core/probe.js';
import { loadPatternEngine } from '../../shared/core/user-pattern.js';
import { aProbe } from '../support/probes.js';

// The actions load the engine when they read a pattern input; these tests build probes directly.
beforeAll(() => loadPatternEngine());

const probe = (expect: Partial<Probe['expect']> = {}) => aProbe({}, expect);

const response = (
  status: number,
  body = '',
  headers: Record<string, string> = {},
  latencyMs = 10,
): Outcome => ({
  kind: 'response',
  response: { status, body, headers },
  latencyMs,
});

describe('judgeOutcome', () => {
  it.each<[string, Partial<Probe['expect']>, Outcome, string[]]>([
    ['2xx passes by default', {}, response(204), []],
    ['500 fails the default', {}, response(500), ['status 500, expected 2xx']],
    [
      'a list of codes and ranges',
      {
        status: [
          { min: 200, max: 200 },
          { min: 301, max: 302 },
        ],
      },
      response(302),
      [],
    ],
    [
      'outside the list',
      {
        status: [
          { min: 200, max: 200 },
          { min: 301, max: 302 },
        ],
      },
      response(404),
      ['status 404, expected 200, 301-302'],
    ],
    ['body contains', { bodyContains: ['"ok"'] }, response(200, '{"status":"ok"}'), []],
    [
      'body lacks',
      { bodyContains: ['ready'] },
      response(200, '{"status":"ok"}'),
      ['body does not contain "ready"'],
    ],
    ['body matches', { bodyMatches: ['^build \\d+$'] }, response(200, 'fine\nbuild 7\n'), []],
    [
      'body does not match',
      { bodyMatches: ['^build \\d+$'] },
      response(200, 'fine'),
      ['body does not match /^build \\d+$/'],
    ],
    [
      'json equals',
      { json: [{ path: ['version'], equals: '1.4.0' }] },
      response(200, '{"version":"1.4.0"}'),
      [],
    ],
    [
      'json differs',
      { json: [{ path: ['version'], equals: '1.4.0' }] },
      response(200, '{"version":"1.3.9"}'),
      ['JSON version is "1.3.9", expected "1.4.0"'],
    ],
    [
      'json missing',
      { json: [{ path: ['data', 0, 'n'], equals: 1 }] },
      response(200, '{"data":[]}'),
      ['JSON data[0].n is missing'],
    ],
    [
      'json deep equal',
      { json: [{ path: ['c'], equals: { db: 'ok', q: [1] } }] },
      response(200, '{"c":{"q":[1],"db":"ok"}}'),
      [],
    ],
    [
      'json number is not string',
      { json: [{ path: ['count'], equals: '42' }] },
      response(200, '{"count":42}'),
      ['JSON count is 42, expected "42"'],
    ],
    [
      'not json',
      { json: [{ path: ['version'], equals: '1' }] },
      response(200, '<html>'),
      ['body is not JSON'],
    ],
    [
      'header present',
      { headers: [{ name: 'content-range' }] },
      response(200, '', { 'content-range': '0-0/42' }),
      [],
    ],
    [
      'header missing',
      { headers: [{ name: 'content-range' }] },
      response(200),
      ['header content-range is missing'],
    ],
    [
      'header differs',
      { headers: [{ name: 'cache-control', equals: 'no-store' }] },
      response(200, '', { 'cache-control': 'max-age=60' }),
      ['header cache-control is "max-age=60", expected "no-store"'],
    ],
    ['too slow', { maxLatencyMs: 100 }, response(200, '', {}, 250.4), ['took 250ms, over the 100ms limit']],
    [
      'transport error',
      {},
      { kind: 'error', error: 'connection refused', latencyMs: 1 },
      ['connection refused'],
    ],
  ])('%s', (_name, expectations, outcome, failures) => {
    expect(judgeOutcome(probe(expectations), outcome)).toEqual(failures);
  });

  it('never quotes more than a short excerpt of what a response said', () => {
    const long = 'x'.repeat(5000);
    const [failure] = judgeOutcome(
      probe({ json: [{ path: ['v'], equals: 'y' }] }),
      response(200, JSON.stringify({ v: long })),
    );
    expect(failure!.length).toBeLessThan(120);
  });
});

describe('body-matches runs in linear time', () => {
  it('a catastrophic pattern on a long body answers at once (JavaScript backtracking takes seconds from 26 characters)', () => {
    const started = performance.now();
    const failures = judgeOutcome(
      probe({ bodyMatches: ['^(a+)+$'] }),
      response(200, `${'a'.repeat(100_000)}!`),
    );
    expect(failures).toEqual(['body does not match /^(a+)+$/']);
    expect(performance.now() - started).toBeLessThan(500);
  });
  it('multiline anchors still work', () =>
    expect(judgeOutcome(probe({ bodyMatches: ['^ok$'] }), response(200, 'status\nok\n'))).toEqual([]));
});
