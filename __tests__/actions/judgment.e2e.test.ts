/**
 * The default gate on real HAProxy, with every gate input at its action.yml
 * default: 100 users' requests a second, stable failing one request in a thousand,
 * and a canary that is healthy, fails one in 33, or answers 450 ms late. Failures
 * come at fixed intervals rather than at random, so each run sees the same traffic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHaproxy, haproxyCommand, type RunningHaproxy } from '../support/haproxy.js';
import { startLoad, type Load } from '../support/load.js';
import { actionDefaults, runAction } from '../support/run-action.js';

interface Revision {
  url: string;
  server: Server;
}

/** Fails every `failEvery`-th request (0: never) and answers `delayMs` late. */
async function revision(failEvery: number, delayMs = 0): Promise<Revision> {
  let count = 0;
  const server = createServer((_req, res) => {
    const fail = failEvery > 0 && ++count % failEvery === 0;
    setTimeout(() => {
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"error":"broken"}' : '{"status":"ok"}');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let proxy: RunningHaproxy | undefined;
let load: Load | undefined;
const revisions: Revision[] = [];
afterEach(async () => {
  await load?.stop();
  await proxy?.stop();
  for (const r of revisions.splice(0)) {
    r.server.closeAllConnections();
    r.server.close();
  }
});

/** The canary's weights as the router had them, read every 5 ms while the rollout runs. */
async function rollout(canary: { failEvery: number; delayMs?: number }) {
  const blue = await revision(1000);
  const green = await revision(canary.failEvery, canary.delayMs);
  revisions.push(blue, green);
  proxy = await startHaproxy({ blue: { url: blue.url, weight: 100 }, green: { url: green.url, weight: 0 } });
  load = startLoad(`${proxy.url}/health`, 100, 150);
  const defaults = actionDefaults('shift-traffic');
  const running = runAction('shift-traffic', {
    inputs: {
      provider: 'haproxy',
      'haproxy-socket': proxy.socket,
      'haproxy-backend': proxy.backend,
      'stable-revision': 'blue',
      'canary-revision': 'green',
      steps: '10,50,100',
      'step-duration': '5s',
      'check-interval': '1s',
      // The shipped defaults, not the lab's: this file is about them.
      'max-error-increase': defaults['max-error-increase']!,
      'max-latency-increase': defaults['max-latency-increase']!,
    },
    timeoutMs: 140_000,
  });
  let done = false;
  void running.then(() => (done = true));
  const weights: number[] = [];
  while (!done) {
    const weight = Number(
      /^(\d+)/.exec(await haproxyCommand(proxy!.socket, `get weight ${proxy!.backend}/green`))?.[1],
    );
    if (Number.isFinite(weight) && weight !== weights.at(-1)) weights.push(weight);
    await new Promise((r) => setTimeout(r, 5));
  }
  const run = await running;
  return { run, weights, outcome: run.outputs['outcome'], reason: run.outputs['reason'] ?? '' };
}

it('the defaults are the comparison with stable: 1 % more 5xx, 50 ms slower', () => {
  const defaults = actionDefaults('shift-traffic');
  expect(defaults['max-error-increase']).toBe('1%');
  expect(defaults['max-latency-increase']).toBe('50ms');
});

it('a healthy canary with stable’s noise is promoted, its weight only ever at its steps', async () => {
  const { outcome, weights, run } = await rollout({ failEvery: 1000 });
  expect({ outcome, code: run.code }).toEqual({ outcome: 'promoted', code: 0 });
  expect(weights).toEqual([0, 10, 50, 100]);
  const report = JSON.parse(run.outputs['report']!);
  expect(report.steps[1].result).toMatch(/5xx: the canary's 5xx share .* is decisively not 1\.0% above/);
}, 150_000);

it('a canary failing 3 % of requests is rolled back at 10 % by the 5xx comparison, never flapped', async () => {
  const { outcome, weights, reason } = await rollout({ failEvery: 33 });
  expect(outcome).toBe('rolled-back');
  expect(reason).toMatch(/^5xx: the canary's 5xx share .* is decisively above stable's/);
  expect(weights).toEqual([0, 10, 0]);
}, 150_000);

it('a canary answering 450 ms late is rolled back at 10 % by the latency comparison', async () => {
  const { outcome, weights, reason } = await rollout({ failEvery: 0, delayMs: 450 });
  expect(outcome).toBe('rolled-back');
  expect(reason).toMatch(/^latency: the canary is decisively slower than stable/);
  // Its first answers are 450 ms away where stable's take 1 ms: until one comes back it
  // may be a hang, so the tripwire may hold it once, and gives it back when it answers.
  expect([
    [0, 10, 0],
    [0, 10, 0, 10, 0],
  ]).toContainEqual(weights);
}, 150_000);
