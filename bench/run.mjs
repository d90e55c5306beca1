// Benchmarks (not tests): cold start of each bundle against bare Node 24, peak memory,
// and bundle sizes. Prints one table; ratios are against a baseline measured in this run.
// Usage: npm run bench [-- --runs 15]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/health`;

const temp = mkdtempSync(path.join(tmpdir(), 'ra-bench-'));
const files = ['output', 'state', 'summary'].map((f) => path.join(temp, f));
const env = {
  PATH: process.env.PATH,
  GITHUB_WORKSPACE: temp,
  GITHUB_OUTPUT: files[0],
  GITHUB_STATE: files[1],
  GITHUB_STEP_SUMMARY: files[2],
  INPUT_PROBES: `[{name: api, url: "${url}"}]`,
  INPUT_CONFIG: '',
  'INPUT_BASE-URL': '',
  INPUT_TIMEOUT: '10s',
  INPUT_SAMPLES: '1',
  INPUT_RETRIES: '2',
  'INPUT_RETRY-DELAY': '1s',
  INPUT_CONCURRENCY: '8',
  'INPUT_FAIL-ON-UNHEALTHY': 'true',
};

function once(argv, withTime = false) {
  for (const f of files) writeFileSync(f, '');
  const [cmd, args] = withTime ? [TIME, ['-f', '%M', node24, ...argv]] : [node24, argv];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      resolve({ ms, rssKiB: withTime ? Number(stderr.trim().split('\n').pop()) : undefined });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bundle = path.join(root, 'dist', 'healthcheck', 'index.js');
const bare = ['-e', '0'];
await once(bare);
await once([bundle]); // warm the file cache for both, so the runs compare code, not disk
const bareMs = [];
const actionMs = [];
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so drift in machine load falls on both sides alike.
  bareMs.push((await once(bare)).ms);
  actionMs.push((await once([bundle])).ms);
}
const rss = TIME
  ? { bare: (await once(bare, true)).rssKiB, action: (await once([bundle], true)).rssKiB }
  : undefined;
server.close();

const b = median(bareMs);
const a = median(actionMs);
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(
  `\nCold start, ${RUNS} interleaved runs each, Node ${(await import('node:child_process')).execFileSync(node24, ['-v']).toString().trim()}`,
);
console.log('| measure | value |');
console.log('|---|---|');
console.log(`| bare \`node -e 0\`, median | ${b.toFixed(1)} ms |`);
console.log(`| healthcheck, one healthy probe on 127.0.0.1, median | ${a.toFixed(1)} ms |`);
console.log(`| healthcheck over bare node | +${(a - b).toFixed(1)} ms (ratio ${(a / b).toFixed(2)}×) |`);
console.log(
  `| healthcheck min / max | ${Math.min(...actionMs).toFixed(1)} / ${Math.max(...actionMs).toFixed(1)} ms |`,
);
if (rss)
  console.log(
    `| peak RSS: bare / healthcheck | ${kb(rss.bare * 1024)} / ${kb(rss.action * 1024)} (ratio ${(rss.action / rss.bare).toFixed(2)}×) |`,
  );

console.log('\nBundle sizes');
console.log('| bundle | size |');
console.log('|---|---|');
for (const name of readdirSync(path.join(root, 'dist')).sort()) {
  for (const bundle of ['index.js', 'post.js']) {
    const file = path.join(root, 'dist', name, bundle);
    if (existsSync(file))
      console.log(`| dist/${name}/${bundle} | ${kb(statSync(file).size)} (${statSync(file).size} bytes) |`);
  }
}
