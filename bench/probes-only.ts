// Benchmark (not a test): a canary breaking on a platform whose router counts
// nothing live, so probes are the only gate: Cloud Run through the real gcloud CLI,
// pointed at the local Cloud Run API the tests use. The canary (10 %) starts
// answering 500 at an arbitrary moment; the lab's clock times that moment to the
// service's traffic being all on stable again. Baseline in the same run: the
// probes at each check only (tripwire: false), every 10 s, the default interval.
// gcloud's own start-up is timed apart and reported.
// Usage: node --import tsx bench/probes-only.ts [--trials 3] [--baseline-trials 1]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCloudRunApi } from '../__tests__/support/cloud-run.js';
import { runAction } from '../__tests__/support/run-action.js';
import { startService } from '../__tests__/support/service.js';

const OLD = 'api-00001-abc';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gate = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;
const where = {
  provider: 'cloud-run',
  'cloud-run-service': 'api',
  'cloud-run-region': 'us-central1',
  'cloud-run-project': 'shop-prod',
};

export interface ProbesOnlyTrial {
  /** The canary breaking → all traffic on stable, on the lab's clock. */
  ms: number;
  reportedMs: number;
  outcome: string;
}

async function trial(gates: Record<string, string>): Promise<ProbesOnlyTrial> {
  const v1 = await startService({ version: '1.0.0' });
  const v2 = await startService({ version: '2.0.0' });
  const api = await startCloudRunApi(
    'shop-prod',
    'us-central1',
    mkdtempSync(path.join(tmpdir(), 'ra-bench-gcloud-')),
  );
  try {
    api.seed(
      'api',
      [{ name: OLD, image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' }],
      [{ revisionName: OLD, percent: 100 }],
    );
    api.tagUrls['canary'] = v2.url;
    api.revisionUrls[OLD] = v1.url;
    const deployed = await runAction('deploy-canary', {
      inputs: { ...where, image: 'us-docker.pkg.dev/shop-prod/app/api:2.0.0', probes: gate },
      env: api.env,
      timeoutMs: 90_000,
    });
    const canary = deployed.outputs['canary-revision'];
    if (deployed.code !== 0 || !canary) throw new Error(`deploy-canary failed: ${deployed.stdout}`);
    api.revisionUrls[canary] = v2.url;
    let brokeAt = 0;
    let backAt = 0;
    const run = await runAction('shift-traffic', {
      inputs: {
        ...where,
        'stable-revision': OLD,
        'canary-revision': canary,
        steps: '10,100',
        'step-duration': '60s',
        'cloud-run-metrics': 'false',
        probes: gate,
        ...gates,
      },
      env: api.env,
      timeoutMs: 120_000,
      whileRunning: async () => {
        while (api.traffic('api')[canary] !== 10) await sleep(5);
        await sleep(300 + Math.random() * 500); // the canary breaks at an arbitrary moment
        brokeAt = performance.now();
        v2.setMode('error');
        while (api.traffic('api')[OLD] !== 100) await sleep(2);
        backAt = performance.now();
      },
    });
    const report = JSON.parse(run.outputs['report'] ?? '{}') as { detectionToRollbackMs?: number };
    return {
      ms: backAt - brokeAt,
      reportedMs: report.detectionToRollbackMs ?? NaN,
      outcome: run.outputs['outcome'] ?? '',
    };
  } finally {
    await api.close();
    await v1.close();
    await v2.close();
  }
}

/** One gcloud call against the local API: what every split read or change costs at least. */
async function gcloudCallMs(): Promise<number> {
  const api = await startCloudRunApi(
    'shop-prod',
    'us-central1',
    mkdtempSync(path.join(tmpdir(), 'ra-bench-gcloud-')),
  );
  api.seed('api', [{ name: OLD, image: 'x' }], [{ revisionName: OLD, percent: 100 }]);
  const started = performance.now();
  // Not execFileSync: the local API answers from this same process.
  await promisify(execFile)(
    'gcloud',
    [
      'run',
      'services',
      'describe',
      'api',
      '--region',
      'us-central1',
      '--project',
      'shop-prod',
      '--format',
      'json',
    ],
    { env: { ...process.env, ...api.env } },
  );
  const ms = performance.now() - started;
  await api.close();
  return ms;
}

export async function probesOnly(trials: number, baselineTrials: number) {
  const gcloud = [await gcloudCallMs(), await gcloudCallMs(), await gcloudCallMs()];
  const watched: ProbesOnlyTrial[] = [];
  for (let i = 0; i < trials; i++) watched.push(await trial({}));
  const checks: ProbesOnlyTrial[] = [];
  for (let i = 0; i < baselineTrials; i++) checks.push(await trial({ tripwire: 'false' }));
  return { gcloud, watched, checks };
}

if (process.argv[1] === import.meta.filename) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  console.log(JSON.stringify(await probesOnly(arg('--trials', 3), arg('--baseline-trials', 1))));
}
