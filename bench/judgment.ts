// Benchmark (not a test): the default gate's verdicts on the faults teams ship.
// Real HAProxy, ~100 users' requests a second, both revisions at 0.1 % background
// 5xx, shift-traffic's built bundle with every gate input at its default and the plan
// 10,50,100 in 20 s steps. Per canary: the share it reached, the users' requests it
// served and failed before its weight went to 0, what decided, and beside them the
// statistical limit: the requests Wald's test with the same error rates needs on
// average to tell that difference at 10 % (designed for exactly that difference, the
// least any sequential test with those rates can need). Then the same matrix and
// 1 000 healthy rollouts in-process (the real engine against simulated traffic),
// for the false-rollback rate against its stated bound.
// Usage: node --import tsx bench/judgment.ts [--real-healthy 3] [--simulated 1000] [--real 1]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulateRollout, type RevisionBehaviour } from '../__tests__/support/rollout-simulation.js';
import {
  DEFAULT_FALSE_ROLLBACK,
  DEFAULT_MISSED_REGRESSION,
  waldBounds,
  type SequentialPolicy,
} from '../shared/core/traffic/sequential.js';
// @ts-expect-error -- a plain .mjs module of the bench, without types
import { greenWeight, haproxy, load, shiftTraffic } from './detection.mjs';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REAL = arg('--real', 1);
const REAL_HEALTHY = arg('--real-healthy', 3);
const SIMULATED = arg('--simulated', 1000);
const RATE = 100;
const NOISE = 0.001;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (m: string) => process.stderr.write(`${m}\n`);

interface Fault {
  /** 5xx share of users' answers; `underLoadOnly`: only while the revision serves more than 30 requests a second. */
  errorShare: number;
  addedLatencyMs?: number;
  underLoadOnly?: boolean;
}

const CASES: Record<string, Fault> = {
  '3 % 5xx (30× stable)': { errorShare: 0.03 },
  '1 % 5xx (10×)': { errorShare: 0.01 },
  '0.5 % 5xx (5×)': { errorShare: 0.005 },
  '+450 ms on every answer': { errorShare: NOISE, addedLatencyMs: 450 },
  '+100 ms on every answer': { errorShare: NOISE, addedLatencyMs: 100 },
  '3 % 5xx only above 30 req/s (appears at 50 %)': { errorShare: 0.03, underLoadOnly: true },
  'outright failure (every answer 500)': { errorShare: 1 },
  healthy: { errorShare: NOISE },
};

/** A revision answering users at /health (counted) and the gate's own requests at / (not counted). */
function revision(fault: Fault) {
  const state = { served: 0, failed: 0, counting: true, recent: [] as number[] };
  const server = createServer((req, res) => {
    const now = performance.now();
    state.recent = [...state.recent.filter((t) => now - t < 1000), now];
    const loaded = state.recent.length > 30;
    const share = fault.underLoadOnly && !loaded ? NOISE : fault.errorShare;
    const fail = Math.random() < share;
    const users = req.url === '/health';
    if (users && state.counting) {
      state.served++;
      if (fail) state.failed++;
    }
    setTimeout(() => {
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"error":"broken"}' : '{"status":"ok"}');
    }, fault.addedLatencyMs ?? 0);
  });
  return new Promise<{ port: number; state: typeof state; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        state,
        close: () => (server.closeAllConnections(), server.close()),
      }),
    ),
  );
}

async function realRollout(fault: Fault) {
  const blue = await revision({ errorShare: NOISE });
  const green = await revision(fault);
  const proxy = await haproxy(blue.port, green.port);
  const traffic = load(proxy.port);
  const started = performance.now();
  const run = shiftTraffic(proxy.socket, { steps: '10,50,100', 'step-duration': '20s' });
  let done = false;
  let reached = 0;
  const weights: number[] = [];
  void run.then(() => (done = true));
  // The weight as users met it, read every 5 ms; counting stops when it reaches 0 after a rise.
  while (!done) {
    const w = await greenWeight(proxy.socket);
    if (w !== weights.at(-1)) weights.push(w);
    reached = Math.max(reached, w);
    if (reached > 0 && w === 0) green.state.counting = false;
    await sleep(5);
  }
  const { report } = await run;
  traffic.stop();
  await proxy.stop();
  blue.close();
  green.close();
  return {
    outcome: report?.outcome?.kind as string,
    reason: (report?.outcome?.reason as string | undefined) ?? '',
    reached,
    weights,
    served: green.state.served,
    failed: green.state.failed,
    seconds: (performance.now() - started) / 1000,
  };
}

const policy: SequentialPolicy = {
  errorIncrease: 0.01,
  latencyIncreaseMs: 50,
  falseRollback: DEFAULT_FALSE_ROLLBACK,
  missedRegression: DEFAULT_MISSED_REGRESSION,
  tests: 6, // 3 analysed steps × 2 metrics, as shift-traffic splits the budget for this plan
};
const kl = (p: number, q: number) =>
  (p > 0 ? p * Math.log(p / q) : 0) + (p < 1 ? (1 - p) * Math.log((1 - p) / (1 - q)) : 0);

/**
 * The statistical limit at 10 %, in canary requests: Wald's expected sample size
 * for a test with the same bounds designed for exactly this difference. 5xx: each
 * failure is the canary's with the odds of its share; latency: each pair (four a
 * second) is slower with certainty against a half under "no slower".
 */
function limit(fault: Fault): number | undefined {
  const { upper } = waldBounds(policy);
  const share = 0.1;
  if (fault.addedLatencyMs && fault.addedLatencyMs > policy.latencyIncreaseMs!) {
    const pairs = upper / Math.log(2);
    return (pairs / 4) * RATE * share;
  }
  if (fault.errorShare <= NOISE || fault.underLoadOnly) return undefined;
  const p = Math.min(fault.errorShare, 0.999);
  const theta = (share * p) / (share * p + (1 - share) * NOISE);
  const failures = upper / kl(theta, share);
  const failurePerRequest = share * p + (1 - share) * NOISE;
  return (failures / failurePerRequest) * share;
}

function simulatedBehaviour(fault: Fault): RevisionBehaviour {
  return {
    errorShare: fault.underLoadOnly
      ? (percent: number) => (percent >= 50 ? fault.errorShare : NOISE)
      : fault.errorShare,
    ...(fault.addedLatencyMs !== undefined && { addedLatencyMs: fault.addedLatencyMs }),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const decidedBy = (reason: string) =>
  /^5xx: /.test(reason)
    ? '5xx comparison'
    : /^latency: /.test(reason)
      ? 'latency comparison'
      : /router saw the canary fail/.test(reason)
        ? 'tripwire, confirmed'
        : /limit/.test(reason)
          ? 'absolute 5xx limit'
          : reason
            ? reason.slice(0, 60)
            : '–';

console.log(
  "| canary | real HAProxy: outcome, share reached | users' requests served / failed before weight 0 | statistical limit (10 %) | served ÷ limit | decided by | simulated ×20: reached 100 % / rolled back / served (median) |",
);
console.log('|---|---|---|---|---|---|---|');
for (const [name, fault] of Object.entries(CASES)) {
  const trials = name === 'healthy' ? REAL_HEALTHY : REAL;
  const real = [];
  for (let t = 0; t < trials; t++) {
    const r = await realRollout(fault);
    progress(
      `${name}, trial ${t + 1}: ${r.outcome} at ${r.reached}% (weights ${r.weights.join('→')}), ${r.served} served, ${r.failed} failed, ${r.seconds.toFixed(0)} s; ${r.reason.slice(0, 160)}`,
    );
    real.push(r);
  }
  const sims = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      simulateRollout({ seed: 100 + i, stable: { errorShare: NOISE }, canary: simulatedBehaviour(fault) }),
    ),
  );
  const bound = limit(fault);
  const served = real.length ? median(real.map((r) => r.served)) : NaN;
  const row = [
    name,
    real
      .map(
        (r) =>
          `${r.outcome} at ${r.reached}%${name === 'healthy' ? ` (weights ${r.weights.join('→')})` : ''}`,
      )
      .join('; '),
    real.map((r) => `${r.served} / ${r.failed}`).join('; '),
    bound === undefined ? '–' : String(Math.round(bound)),
    bound === undefined || name === 'healthy' ? '–' : `${(served / bound).toFixed(2)}×`,
    [...new Set(real.map((r) => decidedBy(r.reason)))].join(', '),
    `${sims.filter((s) => s.reached === 100).length} / ${sims.filter((s) => s.result.outcome.kind === 'rolled-back').length} / ${median(sims.map((s) => s.canaryServed))}`,
  ];
  console.log(`| ${row.join(' | ')} |`);
}

if (SIMULATED > 0) {
  const started = performance.now();
  let rolledBack = 0;
  let offPlan = 0;
  for (let seed = 1; seed <= SIMULATED; seed++) {
    const o = await simulateRollout({
      seed: 1_000_000 + seed,
      stable: { errorShare: NOISE },
      canary: { errorShare: NOISE },
    });
    if (o.result.outcome.kind === 'rolled-back') rolledBack++;
    if (o.weights.join() !== '10,50,100') offPlan++;
  }
  console.log(
    `\nFalse rollbacks, ${SIMULATED} simulated healthy rollouts (real engine, simulated traffic as above): ${rolledBack} (${((100 * rolledBack) / SIMULATED).toFixed(2)} %; stated bound ${DEFAULT_FALSE_ROLLBACK * 100} %); weights off the plan in ${offPlan}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
