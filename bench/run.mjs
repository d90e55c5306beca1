// Benchmarks (not tests). Prints one table; each figure with its goal (issue 17) and a
// baseline measured in this same run: cold start and peak memory of each built action
// vs bare Node 24; 50 probes in one healthcheck vs its slowest probe alone; a broken
// and a hung canary on real HAProxy (the defaults vs the checks alone); a healthy
// canary under 0.1 % noise for --healthy-seconds; a breaking canary on Cloud Run
// through real gcloud (probes only); a rolling release aborted on Vercel through the
// real vercel CLI; the default gate's verdicts on partial faults (bench/judgment.ts);
// GitHub API requests per monitoring scenario.
// Usage: npm run bench [-- --runs 15 --trials 10 --baseline-trials 3 --healthy-seconds 600 --cloud-run-trials 3 --vercel-trials 3
//        --judgment-real 1 --judgment-real-healthy 3 --judgment-simulated 1000]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectionToRollback, healthyUnderNoise, median } from './detection.mjs';
import { actionInputs } from './inputs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 15);
const TRIALS = arg('--trials', 10);
const BASELINE_TRIALS = arg('--baseline-trials', 3);
const HEALTHY_SECONDS = arg('--healthy-seconds', 600);
const CLOUD_RUN_TRIALS = arg('--cloud-run-trials', 3);
const VERCEL_TRIALS = arg('--vercel-trials', 3);
const progress = (m) => process.stderr.write(`${m}\n`);

const ms = (x) => `${x < 100 ? x.toFixed(1) : Math.round(x)} ms`;
const ratio = (a, b) => `${(a / b).toPrecision(2)}×`;

// A service whose /slow?ms=N answers after N ms.
const server = createServer((req, res) => {
  const wait = Number(new URL(req.url, 'http://x').searchParams.get('ms') ?? 0);
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  }, wait);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const temp = mkdtempSync(path.join(tmpdir(), 'ra-bench-'));
const files = ['output', 'state', 'summary'].map((f) => path.join(temp, f));
const runnerEnv = {
  PATH: process.env.PATH,
  GITHUB_WORKSPACE: temp,
  GITHUB_OUTPUT: files[0],
  GITHUB_STATE: files[1],
  GITHUB_STEP_SUMMARY: files[2],
};
const healthcheckEnv = (probes, bounds = {}) => ({
  ...runnerEnv,
  ...actionInputs('healthcheck', { probes, samples: '1', retries: '0', ...bounds }),
});

/** Wall-clock ms of one process, from spawn to exit. */
function timed(argv, env) {
  for (const f of files) writeFileSync(f, '');
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(node24, argv, { env, stdio: 'ignore' });
    child.on('close', (code) => resolve({ ms: performance.now() - started, code }));
  });
}

/** Interleaved runs, so drift in machine load falls on both sides alike. */
async function versus(a, b, runs) {
  await timed(...a);
  await timed(...b); // warm the file cache for both, so the runs compare code, not disk
  const as = [];
  const bs = [];
  for (let i = 0; i < runs; i++) {
    as.push((await timed(...a)).ms);
    bs.push((await timed(...b)).ms);
  }
  return [median(as), median(bs)];
}

const rows = [];
/** `met`: true, false, or undefined where the figure has no goal. */
const row = (measure, goal, value, baseline = '', r = '', met = undefined) =>
  rows.push([measure, goal, value, baseline, r, met === undefined ? '' : met ? 'met' : '**missed**']);

/**
 * Peak RSS (MiB) of one run, from GNU time; undefined where it is not installed.
 * Spawned, not run synchronously: healthcheck's probe is answered by this process.
 */
async function peakRss(argv, env) {
  if (!existsSync('/usr/bin/time')) return undefined;
  for (const f of files) writeFileSync(f, '');
  const out = path.join(temp, 'rss');
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', out, node24, ...argv], { env, stdio: 'ignore' });
  await new Promise((resolve) => child.on('close', resolve));
  return Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024;
}
async function medianRss(argv, env) {
  const xs = [];
  for (let i = 0; i < 5; i++) xs.push(await peakRss(argv, env));
  return xs[0] === undefined ? undefined : median(xs);
}
const mib = (x) => (x === undefined ? 'n/a' : `${x.toFixed(0)} MiB`);

// 1. Cold start. healthcheck runs one real probe; the others read and reject their
// (empty) inputs: start-up to the first decision, the fixed cost every step pays.
const bare = [['-e', '0'], runnerEnv];
const actions = readdirSync(path.join(root, 'dist'))
  .filter((n) => existsSync(path.join(root, n, 'action.yml')))
  .sort();
const bareRss = await medianRss(...bare);
for (const name of actions) {
  progress(`cold start: ${name}`);
  const bundle = path.join(root, 'dist', name, 'index.js');
  const env = name === 'healthcheck' ? healthcheckEnv(`[{name: api, url: "${base}/slow?ms=0"}]`) : runnerEnv;
  const [bareMs, actionMs] = await versus(bare, [[bundle], env], RUNS);
  const rss = await medianRss([bundle], env);
  const size = statSync(bundle).size;
  const limit = name === 'healthcheck' ? 1.8 : 2.2;
  const rssLimit = name === 'healthcheck' ? 55 : undefined;
  row(
    `cold start: ${name} (${(size / 1024).toFixed(0)} KiB bundle)${name === 'healthcheck' ? ', one probe' : ''}; peak RSS`,
    `≤ ${limit}× bare${rssLimit ? `, ≤ ${rssLimit} MiB` : ''}`,
    `${ms(actionMs)}; ${mib(rss)}`,
    `bare node -e 0: ${ms(bareMs)}; ${mib(bareRss)}`,
    ratio(actionMs, bareMs),
    actionMs / bareMs <= limit && (!rssLimit || (rss !== undefined && rss <= rssLimit)),
  );
}

// What one request costs before any of our code: the floor under the healthcheck's
// ratio, alone and with the built-ins importing @actions/core loads, each measured in the
// same interleaved runs as bare node.
for (const [measure, extraEnv] of [
  ['floor: one GET with node:http and one output line, no library (bench/floor-probe.mjs)', {}],
  [
    'floor plus the built-ins importing @actions/core loads (crypto, child_process, assert, fs/promises)',
    { FLOOR_CORE_BUILTINS: '1' },
  ],
]) {
  progress(`cold start: ${measure}`);
  const floor = [
    [path.join(root, 'bench', 'floor-probe.mjs')],
    { ...runnerEnv, FLOOR_URL: `${base}/slow?ms=0`, ...extraEnv },
  ];
  const [bareMs, floorMs] = await versus(bare, floor, RUNS);
  row(
    `${measure}; peak RSS`,
    '',
    `${ms(floorMs)}; ${mib(await medianRss(...floor))}`,
    `bare node -e 0: ${ms(bareMs)}; ${mib(bareRss)}`,
    ratio(floorMs, bareMs),
  );
}

// The post step runs after every job that used shift-traffic; nearly always the
// traffic is settled (no STATE_phase=shifting) and it should cost next to nothing.
{
  progress('cold start: shift-traffic post, traffic settled');
  const post = path.join(root, 'dist', 'shift-traffic', 'post.js');
  const [bareMs, postMs] = await versus(bare, [[post], runnerEnv], RUNS);
  row(
    `cold start: shift-traffic post, traffic settled (${(statSync(post).size / 1024).toFixed(0)} KiB entry); peak RSS`,
    'no bigger than the post step needs',
    `${ms(postMs)}; ${mib(await medianRss([post], runnerEnv))}`,
    `bare node -e 0: ${ms(bareMs)}; ${mib(bareRss)}`,
    ratio(postMs, bareMs),
    postMs / bareMs <= 1.2,
  );
}

// 2. 50 probes in one healthcheck vs the slowest of them alone.
progress('50 probes vs the slowest alone');
const delays = Array.from({ length: 50 }, (_, i) => 20 + Math.round((i * 380) / 49));
const fifty = JSON.stringify(delays.map((d, i) => ({ name: `p${i}`, url: `${base}/slow?ms=${d}` })));
const slowest = JSON.stringify([{ name: 'slowest', url: `${base}/slow?ms=${Math.max(...delays)}` }]);
const bundle = path.join(root, 'dist', 'healthcheck', 'index.js');
const sequential = delays.reduce((a, b) => a + b, 0);
// All 50 against one host, so the per-host bound is what limits them. Goal (issue 17):
// the defaults within 1.5× of the slowest probe alone.
const settings = [
  ['defaults (concurrency 50, per-host 32)', {}, 1.5],
  ['concurrency 8 (the default before)', { concurrency: '8' }, undefined],
];
for (const [label, bounds, goal] of settings) {
  const [fiftyMs, oneMs] = await versus(
    [[bundle], healthcheckEnv(fifty, bounds)],
    [[bundle], healthcheckEnv(slowest)],
    Math.max(3, Math.floor(RUNS / 3)),
  );
  row(
    `healthcheck: 50 probes of 20–400 ms at one host (${(sequential / 1000).toFixed(1)} s one after another), ${label}`,
    goal ? `≤ ${goal}× the slowest alone` : '',
    ms(fiftyMs),
    `slowest probe alone: ${ms(oneMs)}`,
    ratio(fiftyMs, oneMs),
    goal ? fiftyMs / oneMs <= goal : undefined,
  );
}
server.close();

// 3. A bad canary on real HAProxy at 100 req/s: the lab's clock, the report's figure.
if (TRIALS > 0 && existsSync('/usr/sbin/haproxy')) {
  progress(`bad canary on HAProxy: ${TRIALS} + ${BASELINE_TRIALS} trials per fault`);
  const r = await detectionToRollback(TRIALS, BASELINE_TRIALS);
  const figures = (t) =>
    `${ms(median(t.detection))} (max ${ms(Math.max(...t.detection))}); ${median(t.failures)} failed (max ${Math.max(...t.failures)}); report ${ms(median(t.reported))}`;
  row(
    `broken canary (500s) at 10 %: first failed request → canary weight 0; failed requests; report's detectionToRollbackMs (median of ${TRIALS})`,
    '≤ 50 ms, median ≤ 1 failed, max ≤ 3',
    figures(r.broken),
    `checks every 250 ms, no tripwire: ${figures(r.brokenChecks)}; every 10 s (${BASELINE_TRIALS}): ${ms(median(r.brokenSlow.detection))}, ${median(r.brokenSlow.failures)} failed`,
    ratio(median(r.broken.detection), median(r.brokenChecks.detection)),
    median(r.broken.detection) <= 50 && median(r.broken.failures) <= 1 && Math.max(...r.broken.failures) <= 3,
  );
  row(
    `hung canary at 10 %: its first request → canary weight 0; failed requests; report (median of ${TRIALS})`,
    '≤ 500 ms, ≤ 5 failed',
    figures(r.hung),
    `checks every 250 ms, no tripwire (${BASELINE_TRIALS}): ${figures(r.hungChecks)}`,
    ratio(median(r.hung.detection), median(r.hungChecks.detection)),
    median(r.hung.detection) <= 500 && median(r.hung.failures) <= 5,
  );
  // The report dates detection from the last reading that showed nothing wrong (every
  // 10 ms), so it may differ from the lab's clock by about one reading either way.
  const gap = (t) => Math.max(...t.detection.map((d, i) => Math.abs(t.reported[i] - d)));
  row(
    `report's detectionToRollbackMs against the lab's clock, per trial (broken; hung)`,
    '≤ 15 ms apart (one reading)',
    `${ms(gap(r.broken))}; ${ms(gap(r.hung))} at most`,
    `without the tripwire: ${ms(gap(r.brokenChecks))}; ${ms(gap(r.hungChecks))} (dated from the last check that passed)`,
    '',
    gap(r.broken) <= 15 && gap(r.hung) <= 15,
  );
  if (HEALTHY_SECONDS > 0) {
    progress(`healthy canary under 0.1 % noise for ${HEALTHY_SECONDS} s`);
    const h = await healthyUnderNoise(HEALTHY_SECONDS);
    row(
      `healthy canary, 0.1 % background 5xx on both, default plan and gates, ${HEALTHY_SECONDS} s at 100 req/s`,
      'no rollback',
      `${h.outcome}; ${h.holds} tripwire holds, restored`,
      `${h.sent} requests, ${h.failed} failed (the noise)`,
      '',
      h.outcome === 'promoted',
    );
  }
} else row('bad canary on HAProxy', '', 'skipped (no haproxy, or --trials 0)');

// 4. A probes-only platform: Cloud Run through real gcloud against the local Cloud Run API.
if (CLOUD_RUN_TRIALS > 0) {
  progress(`breaking canary on Cloud Run: ${CLOUD_RUN_TRIALS} + 1 trials`);
  const json = execFileSync(
    node24,
    [
      '--import',
      'tsx',
      path.join(root, 'bench', 'probes-only.ts'),
      '--trials',
      String(CLOUD_RUN_TRIALS),
      '--baseline-trials',
      '1',
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const p = JSON.parse(json);
  const watched = p.watched.map((t) => t.ms);
  row(
    `Cloud Run (real gcloud, probes only): canary breaks → all traffic on stable (median of ${CLOUD_RUN_TRIALS}); one gcloud call`,
    '≤ 3 s',
    `${ms(median(watched))} (max ${ms(Math.max(...watched))}); report ${ms(median(p.watched.map((t) => t.reportedMs)))}; gcloud call ${ms(median(p.gcloud))}`,
    `probes at each 10 s check only: ${ms(p.checks[0].ms)}`,
    ratio(median(watched), p.checks[0].ms),
    Math.max(...watched) <= 3000,
  );
}

// 4b. Vercel: a rolling release aborted by its probes, through the real vercel CLI.
if (VERCEL_TRIALS > 0) {
  progress(`breaking canary on Vercel: ${VERCEL_TRIALS} + 1 trials`);
  const json = execFileSync(
    node24,
    ['--import', 'tsx', path.join(root, 'bench', 'vercel-release.ts'), '--trials', String(VERCEL_TRIALS)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const v = JSON.parse(json);
  const watched = v.watched.map((t) => t.ms);
  row(
    `Vercel (real vercel CLI, probes only): canary breaks at 10 % → release aborted (median of ${VERCEL_TRIALS}); one CLI call`,
    '≤ 3 s',
    `${ms(median(watched))} (max ${ms(Math.max(...watched))}); CLI call ${ms(median(v.call))}`,
    `probes at each 10 s check only: ${ms(v.checks[0].ms)}`,
    ratio(median(watched), v.checks[0].ms),
    Math.max(...watched) <= 3000,
  );
}

// 4c. The default gate's verdicts on partial faults: real HAProxy, then simulated rollouts
// in-process (bench/judgment.ts prints its own table, kept apart from the one above).
const JUDGMENT_REAL = arg('--judgment-real', 1);
let judgment = '';
if (JUDGMENT_REAL > 0 || arg('--judgment-simulated', 1000) > 0) {
  progress('judgment matrix: partial faults on real HAProxy and 1 000 simulated healthy rollouts');
  judgment = execFileSync(
    node24,
    [
      '--import',
      'tsx',
      path.join(root, 'bench', 'judgment.ts'),
      '--real',
      String(JUDGMENT_REAL),
      '--real-healthy',
      String(arg('--judgment-real-healthy', 3)),
      '--simulated',
      String(arg('--judgment-simulated', 1000)),
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

// 5. GitHub API requests per scenario, through the built bundles.
progress('GitHub API requests per scenario');
const out = path.join(temp, 'calls.json');
execFileSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--config',
    'bench/jest.config.js',
    '--silent',
  ],
  { cwd: root, env: { ...process.env, BENCH_OUT: out }, stdio: ['ignore', 'ignore', 'ignore'] },
);
for (const { scenario, calls, outcome } of JSON.parse(readFileSync(out, 'utf8')))
  row(`GitHub API requests: ${scenario}`, '', String(calls), outcome);

const version = execFileSync(node24, ['-v']).toString().trim();
console.log(`\nrelease-actions benchmarks · Node ${version} · ${new Date().toISOString()}\n`);
console.log('| measure | goal | release-actions | baseline, same run | ratio | goal |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (judgment) console.log(`\n### The default gate's verdicts (bench/judgment.ts)\n\n${judgment}`);
