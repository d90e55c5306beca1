// Benchmark (not a test): a Vercel canary breaking during its rolling release, through
// the real vercel CLI against the local Vercel API the tests use, each deployment a
// real service behind TLS. The canary (stage 10 %) starts answering 500 at an
// arbitrary moment; the lab's clock times that moment to the release being aborted
// (every user back on the deployment that served production). Baseline in the same
// run: the probes at each check only (tripwire: false), every 10 s, the default
// interval. One CLI call (`rolling-release fetch`) is timed apart: every move costs a
// few of them.
// Usage: node --import tsx bench/vercel-release.ts [--trials 3] [--baseline-trials 1]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runAction } from '../__tests__/support/run-action.js';
import { startService, type TestService } from '../__tests__/support/service.js';
import { localCertificate, tlsFront, type LocalCertificate } from '../__tests__/support/tls-front.js';
import type { VercelApi } from '../__tests__/support/vercel-api.js';
import {
  VERCEL_TOKEN as TOKEN,
  startShopApi,
  vercelCliEnv,
  vercelInputs,
} from '../__tests__/support/vercel-step.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const certificate: LocalCertificate = localCertificate();

async function lab<T>(use: (api: VercelApi, canary: TestService) => Promise<T>): Promise<T> {
  const [v1, v2] = [await startService({ version: '1.0.0' }), await startService({ version: '2.0.0' })];
  const fronts = [await tlsFront(v1.url, certificate), await tlsFront(v2.url, certificate)];
  const api = await startShopApi({ stable: fronts[0]!.host, canary: fronts[1]!.host });
  try {
    return await use(api, v2);
  } finally {
    await api.close();
    for (const closing of [...fronts, v1, v2]) await closing.close();
  }
}

const cli = (api: VercelApi) => vercelCliEnv(api, certificate);
const state = (api: VercelApi) => api.rollingRelease.release?.['state'];

/** ms from the canary breaking to the release aborted, on the lab's clock. */
function trial(gates: Record<string, string>): Promise<{ ms: number; outcome: string }> {
  return lab(async (api, canary) => {
    let brokeAt = 0;
    let backAt = 0;
    const run = await runAction('shift-traffic', {
      inputs: {
        ...vercelInputs,
        'stable-revision': 'dpl_stable',
        'canary-revision': 'dpl_canary',
        steps: '10,100',
        'step-duration': '60s',
        probes: `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`,
        ...gates,
      },
      env: cli(api),
      timeoutMs: 150_000,
      whileRunning: async () => {
        while (state(api) !== 'ACTIVE') await sleep(5);
        await sleep(300 + Math.random() * 500); // the canary breaks at an arbitrary moment
        brokeAt = performance.now();
        canary.setMode('error');
        while (state(api) !== 'ABORTED') await sleep(2);
        backAt = performance.now();
      },
    });
    return { ms: backAt - brokeAt, outcome: run.outputs['outcome'] ?? '' };
  });
}

/** One `vercel rolling-release fetch`: the least any read or move costs. */
function cliCallMs(): Promise<number> {
  return lab(async (api) => {
    const started = performance.now();
    // Not execFileSync: the local API answers from this same process.
    await promisify(execFile)(
      'vercel',
      ['rolling-release', 'fetch', '--project', 'shop', '--scope', 'acme', '--non-interactive'],
      { env: { ...process.env, ...cli(api), VERCEL_TOKEN: TOKEN, VERCEL_TELEMETRY_DISABLED: '1' } },
    );
    return performance.now() - started;
  });
}

export async function vercelRelease(trials: number, baselineTrials: number) {
  const call = [await cliCallMs(), await cliCallMs(), await cliCallMs()];
  const watched = [];
  for (let i = 0; i < trials; i++) watched.push(await trial({}));
  const checks = [];
  for (let i = 0; i < baselineTrials; i++) checks.push(await trial({ tripwire: 'false' }));
  return { call, watched, checks };
}

if (process.argv[1] === import.meta.filename) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  console.log(JSON.stringify(await vercelRelease(arg('--trials', 3), arg('--baseline-trials', 1))));
}
