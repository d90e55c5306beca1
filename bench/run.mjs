// Benchmarks (not tests). Prints one table; every ratio is against a baseline measured
// in this same run: cold start of each built action vs bare Node 24, bundle sizes,
// detection → rollback on real HAProxy (gate every 250 ms vs every 10 s), 50 probes in
// one healthcheck vs its slowest probe alone, and GitHub API requests per monitoring
// scenario (counted at the OpenAPI-checked local GitHub API).
// Usage: npm run bench [-- --runs 9 --trials 5 --baseline-trials 1]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectionToRollback } from './detection.mjs';
import { actionInputs } from './inputs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 9);
const TRIALS = arg('--trials', 5);
const BASELINE_TRIALS = arg('--baseline-trials', 1);
const progress = (m) => process.stderr.write(`${m}\n`);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
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
const row = (measure, value, baseline = '', r = '') => rows.push([measure, value, baseline, r]);

// 1. Cold start. healthcheck runs one real probe; the others read and reject their
// (empty) inputs: start-up to the first decision, the fixed cost every step pays.
const bare = [['-e', '0'], runnerEnv];
const actions = readdirSync(path.join(root, 'dist'))
  .filter((n) => existsSync(path.join(root, n, 'action.yml')))
  .sort();
for (const name of actions) {
  progress(`cold start: ${name}`);
  const bundle = path.join(root, 'dist', name, 'index.js');
  const env = name === 'healthcheck' ? healthcheckEnv(`[{name: api, url: "${base}/slow?ms=0"}]`) : runnerEnv;
  const [bareMs, actionMs] = await versus(bare, [[bundle], env], RUNS);
  const size = statSync(bundle).size;
  row(
    `cold start: ${name} (${(size / 1024).toFixed(0)} KiB bundle)${name === 'healthcheck' ? ', one probe' : ''}`,
    ms(actionMs),
    `bare node -e 0: ${ms(bareMs)}`,
    ratio(actionMs, bareMs),
  );
}

// The post step runs after every job that used shift-traffic; nearly always the
// traffic is settled (no STATE_phase=shifting) and it should cost next to nothing.
{
  progress('cold start: shift-traffic post, traffic settled');
  const post = path.join(root, 'dist', 'shift-traffic', 'post.js');
  const [bareMs, postMs] = await versus(bare, [[post], runnerEnv], RUNS);
  row(
    `cold start: shift-traffic post, traffic settled (${(statSync(post).size / 1024).toFixed(0)} KiB entry)`,
    ms(postMs),
    `bare node -e 0: ${ms(bareMs)}`,
    ratio(postMs, bareMs),
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
  ['defaults (concurrency 50, per-host 32), goal ≤ 1.5×', {}],
  ['concurrency 8 (the default before)', { concurrency: '8' }],
];
for (const [label, bounds] of settings) {
  const [fiftyMs, oneMs] = await versus(
    [[bundle], healthcheckEnv(fifty, bounds)],
    [[bundle], healthcheckEnv(slowest)],
    Math.max(3, Math.floor(RUNS / 3)),
  );
  row(
    `healthcheck: 50 probes of 20–400 ms at one host (${(sequential / 1000).toFixed(1)} s one after another), ${label}`,
    ms(fiftyMs),
    `slowest probe alone: ${ms(oneMs)}`,
    ratio(fiftyMs, oneMs),
  );
}
server.close();

// 3. Detection → rollback on real HAProxy.
if (TRIALS > 0 && existsSync('/usr/sbin/haproxy')) {
  progress(`detection → rollback: ${TRIALS} + ${BASELINE_TRIALS} trials on HAProxy`);
  const { fast, slow } = await detectionToRollback(TRIALS, BASELINE_TRIALS);
  row(
    `detection → rollback, HAProxy at 100 req/s, canary at 10 % breaks (median of ${TRIALS}; failed requests)`,
    `${ms(median(fast.detection))}; ${median(fast.failures)} failed`,
    `gate every 10 s (${BASELINE_TRIALS}): ${ms(median(slow.detection))}; ${median(slow.failures)} failed`,
    ratio(median(fast.detection), median(slow.detection)),
  );
} else row('detection → rollback', 'skipped (no haproxy, or --trials 0)');

// 4. GitHub API requests per scenario, through the built bundles.
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
  row(`GitHub API requests: ${scenario}`, String(calls), outcome);

const version = execFileSync(node24, ['-v']).toString().trim();
console.log(`\nrelease-actions benchmarks · Node ${version} · ${new Date().toISOString()}\n`);
console.log('| measure | release-actions | baseline, same run | ratio |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
