// Benchmark (not a test): the default gate on partly bad and noisy canaries, in-process
// (the real engine and tripwire against simulated traffic, as bench/judgment.ts's last
// column): 100 seeded rollouts per case, plan 10,50,100 in 20 s steps, 100 requests/s.
// Usage: node --import tsx bench/judgment-noise.ts [--rollouts 100]
import { simulateRollout, type RevisionBehaviour } from '../__tests__/support/rollout-simulation.js';

const i = process.argv.indexOf('--rollouts');
const ROLLOUTS = i > 0 ? Number(process.argv[i + 1]) : 100;
const quiet = { errorShare: 0.001 };
const CASES: Record<string, [stable: RevisionBehaviour, canary: RevisionBehaviour]> = {
  'canary 0.2 % against 0.1 % (2×)': [quiet, { errorShare: 0.002 }],
  'canary 2 % against 1 % (one point)': [{ errorShare: 0.01 }, { errorShare: 0.02 }],
  'healthy, both at 1 % 5xx': [{ errorShare: 0.01 }, { errorShare: 0.01 }],
  'healthy, no errors at all': [{ errorShare: 0 }, { errorShare: 0 }],
  '+30 ms (under the 50 ms allowance)': [quiet, { errorShare: 0.001, addedLatencyMs: 30 }],
  '+60 ms': [quiet, { errorShare: 0.001, addedLatencyMs: 60 }],
};

console.log(`| case (${ROLLOUTS} rollouts) | outcome @ share reached | canary requests served (median) |`);
console.log('|---|---|---|');
for (const [name, [stable, canary]] of Object.entries(CASES)) {
  const outs = await Promise.all(
    Array.from({ length: ROLLOUTS }, (_, n) => simulateRollout({ seed: 7000 + n, stable, canary })),
  );
  const tally: Record<string, number> = {};
  for (const o of outs) {
    const key = `${o.result.outcome.kind} @ ${o.reached} %`;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  const served = outs.map((o) => o.canaryServed).sort((a, b) => a - b)[Math.floor(ROLLOUTS / 2)];
  const said = Object.entries(tally)
    .map(([k, n]) => `${n} ${k}`)
    .join('; ');
  console.log(`| ${name} | ${said} | ${served} |`);
}
