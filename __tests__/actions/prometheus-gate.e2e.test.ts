/**
 * shift-traffic's Prometheus gate through the built bundle, against a real
 * Prometheus scraping the real test services (each service is a revision). The
 * canary that fails "silently" answers 200 while its own failure counter climbs:
 * the router's 5xx gate cannot see it, the PromQL gate must.
 */
import { readFileSync } from 'node:fs';
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import { localProvider } from '../../shared/adapters/providers/local.js';
import { startLoad, type Load } from '../support/load.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { expectOneLineError, runAction, visibleLog } from '../support/run-action.js';
import { v1ToV2OnLocalRouter, startTwoVersions, type TestService } from '../support/service.js';

const FAILURE_RATIO =
  'sum(rate(app_failures_total{revision="{{revision}}"}[3s])) / sum(rate(http_requests_total{revision="{{revision}}"}[3s]))';
const REQUESTS = 'sum(increase(http_requests_total{revision="{{revision}}"}[3s]))';
// The README's error ratio before issue #30: a revision that never served a 5xx has no
// 5xx series, so there is nothing to divide and Prometheus answers an empty vector.
const RATIO_WITHOUT_FALLBACK =
  'sum(rate(http_requests_total{revision="{{revision}}",code=~"5.."}[1m])) / sum(rate(http_requests_total{revision="{{revision}}"}[1m]))';
const README_SAMPLES_QUERY = 'sum(increase(http_requests_total{revision="{{revision}}"}[1m]))';
/** The Prometheus section's example query, folded as YAML folds `>-`. */
const readmeQuery = () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const folded = /\n {10}prometheus-query: >-\n((?: {12}.+\n)+)/.exec(readme)?.[1] ?? '';
  return folded.trim().split(/\n\s*/).join(' ');
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let v1: TestService;
let v2: TestService;
let prometheus: TestPrometheus;
let router: LocalRouter;
let load: Load;

beforeAll(async () => {
  ({ v1, v2 } = await startTwoVersions());
  prometheus = await startPrometheus([
    { revision: 'v1', url: v1.url },
    { revision: 'v2', url: v2.url },
  ]);
}, 30_000);
afterAll(async () => {
  await prometheus.close();
  await Promise.all([v1.close(), v2.close()]);
});
beforeEach(async () => {
  v1.setMode('ok');
  v2.setMode('ok');
  router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
  load = startLoad(`${router.url}/health`, 100);
});
afterEach(async () => {
  await load.stop();
  await router.close();
});

const shift = (inputs: Record<string, string> = {}) =>
  runAction('shift-traffic', {
    inputs: {
      ...v1ToV2OnLocalRouter(router.url),
      steps: '10,100',
      'step-duration': '3s',
      'check-interval': '500ms',
      'min-requests': '3',
      'failure-limit': '1',
      'prometheus-url': prometheus.url,
      'prometheus-query': FAILURE_RATIO,
      'prometheus-max': '0.05',
      'prometheus-samples-query': REQUESTS,
      'prometheus-min-samples': '5',
      ...inputs,
    },
    timeoutMs: 30_000,
  });
const split = () => localProvider(router.url).readSplit();

describe('Prometheus gate', () => {
  it('promotes a canary whose own metrics stay healthy', async () => {
    const run = await shift();
    expect(visibleLog(run)).not.toContain('::error');
    expect(run.outputs['outcome']).toBe('promoted');
    expect(await split()).toEqual({ v2: 100 });
  }, 30_000);

  it('rolls back a canary that answers 200 while its failure counter climbs, which the router cannot see', async () => {
    v2.setMode('silent');
    const run = await shift();
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toMatch(/prometheus: canary value 0?\.?\d+ over the 0\.05 limit/);
    expect(run.outputs['reason']).not.toMatch(/5xx/);
    expect(await split()).toEqual({ v1: 100 });
  }, 30_000);

  it("compares with stable: a failure both revisions share is not the canary's", async () => {
    v1.setMode('silent');
    v2.setMode('silent');
    // Let stable's ratio settle on its new level before comparing against it.
    while (((await prometheus.value(FAILURE_RATIO.replace(/\{\{revision\}\}/g, 'v1'))) ?? 0) < 0.9)
      await sleep(200);
    const run = await shift({ 'prometheus-max': '2', 'prometheus-max-increase': '0.2' });
    expect(run.outputs['outcome']).toBe('promoted');
    // Now only the canary fails: stable back on all traffic, its ratio back to 0.
    v1.setMode('ok');
    await router.close();
    router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
    await load.stop();
    load = startLoad(`${router.url}/health`, 100);
    while (((await prometheus.value(FAILURE_RATIO.replace(/\{\{revision\}\}/g, 'v1'))) ?? 1) > 0.01)
      await sleep(200);
    const alone = await shift({ 'prometheus-max': '2', 'prometheus-max-increase': '0.2' });
    expect(alone.outputs['outcome']).toBe('rolled-back');
    expect(alone.outputs['reason']).toMatch(
      /prometheus: canary value [\d.]+ exceeds stable's [\d.]+ by more than 0\.2/,
    );
  }, 60_000);

  it('too few samples behind the value: no verdict, the split holds', async () => {
    const run = await shift({ 'prometheus-min-samples': '100000', 'min-requests': '1000000' });
    expect(run.outputs['outcome']).toBe('held');
    expect(visibleLog(run)).toMatch(/prometheus: [\d.]+ samples, fewer than the 100000 needed for a verdict/);
    expect(await split()).toEqual({ v1: 90, v2: 10 });
  }, 30_000);

  it('an unreachable Prometheus stops the start: nothing moves', async () => {
    const run = await shift({ 'prometheus-url': 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toMatch(
      /^::error::shift-traffic: Prometheus unreachable: .*connection refused.*; no traffic was moved$/,
    );
    expect(await split()).toEqual({ v1: 100 });
  });

  it('a query Prometheus rejects is a bad input: one line, nothing moves', async () => {
    const run = await shift({
      'prometheus-query': 'sum(rate(http_requests_total{revision="{{revision}}"}[3s])',
    });
    expectOneLineError(run, 'prometheus-query', /fails in Prometheus: .*parse error/);
    expect(await split()).toEqual({ v1: 100 });
  });

  it.each([
    [
      'prometheus-query',
      { 'prometheus-query': 'sum(rate(http_requests_total[1m]))' },
      /must name the revision as \{\{revision\}\}/,
    ],
    ['prometheus-max', { 'prometheus-max': '' }, /is required with prometheus-url/],
    ['prometheus-max', { 'prometheus-max': 'five' }, /must be a number/],
    ['prometheus-url', { 'prometheus-url': 'prometheus:9090' }, /must be an http\(s\) URL/],
    [
      'prometheus-samples-query',
      { 'prometheus-samples-query': '' },
      /is required when prometheus-min-samples is above 0/,
    ],
  ])('bad %s → one line, nothing sent', async (input, inputs, says) => {
    const before = prometheus ? await split() : undefined;
    const run = await shift(inputs as Record<string, string>);
    expectOneLineError(run, input, says);
    expect(await split()).toEqual(before);
  });
});

describe('Prometheus gate: an empty answer for the canary (issue #30)', () => {
  beforeAll(async () => {
    // Stable served one 5xx once, as any long-running revision has: its 5xx series
    // exists (at rate 0), so stable's ratio answers while the canary's has nothing.
    await fetch(`${v1.url}/error`);
    const scraped = 'sum(count_over_time(http_requests_total{revision="v1",code="500"}[1m]))';
    while (((await prometheus.value(scraped)) ?? 0) < 2) await sleep(200);
  }, 30_000);

  it.each([
    ['the ratio without a fallback', RATIO_WITHOUT_FALLBACK],
    ["the README's query", readmeQuery()],
  ])(
    'promotes a canary that never served a 5xx, with %s and the samples query showing its requests',
    async (_, query) => {
      expect(query).toMatch(/code=~"5\.\."/);
      const run = await shift({
        'prometheus-query': query,
        'prometheus-samples-query': README_SAMPLES_QUERY,
      });
      expect(run.outputs['reason'] ?? '').not.toMatch(/vanished/);
      expect(run.outputs['outcome']).toBe('promoted');
      expect(await split()).toEqual({ v2: 100 });
    },
    30_000,
  );

  it('without a samples query, an empty answer from a canary that never answered is no verdict, not a rollback', async () => {
    const run = await shift({
      'prometheus-query': RATIO_WITHOUT_FALLBACK,
      'prometheus-samples-query': '',
      'prometheus-min-samples': '0',
    });
    expect(run.outputs['reason'] ?? '').not.toMatch(/vanished/);
    expect(run.outputs['outcome']).toBe('held');
    expect(run.outputs['reason']).toMatch(/no data for the canary/);
    expect(await split()).toEqual({ v1: 90, v2: 10 });
  }, 30_000);

  it('still rolls back a canary that answered, then stopped reporting while stable reports', async () => {
    const twoSeconds = readmeQuery().replace(/\[1m\]/g, '[2s]');
    let finished = false;
    const running = shift({
      steps: '10,50,90,100',
      'step-duration': '4s',
      'prometheus-query': twoSeconds,
      'prometheus-samples-query': '',
      'prometheus-min-samples': '0',
    }).finally(() => (finished = true));
    while (!finished && ((await split())['v2'] ?? 0) < 50) await sleep(100);
    // Users still get answers; only its metrics are gone, as from a canary whose exporter died.
    v2.setMode('unscraped');
    const run = await running;
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toMatch(/no data for the canary .*its series vanished/);
    expect(await split()).toEqual({ v1: 100 });
  }, 45_000);
});
