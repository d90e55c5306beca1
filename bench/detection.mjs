// Benchmark (not a test): a bad canary on real HAProxy, as users see it.
// A traffic lab sends ~100 requests/s through HAProxy; shift-traffic (the built
// bundle, default gates) puts the canary at 10 %; then the canary breaks (answers
// 500) or hangs (never answers). The lab's own clock times the first failed
// request (or the first request the hung canary took) to the canary's weight
// reaching 0, and counts the requests that failed; shift-traffic's report gives its
// own detection figure, compared here. Baselines in the same run: the gates without
// the tripwire, checked every 250 ms and every 10 s. Last, a healthy canary with
// 0.1 % background errors on both versions runs the default plan under load: it
// must never be rolled back.
// Usage: node bench/detection.mjs [--trials 10] [--baseline-trials 3] [--healthy-seconds 600]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createConnection, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionInputs } from './inputs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const RATE = 100;
const HAPROXY = process.env.HAPROXY_BIN ?? 'haproxy';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A revision: healthy, broken (500), or hung (never answers); `noise` is its background 5xx share. */
function service(noise = 0) {
  const state = { mode: 'healthy', firstHungAt: undefined };
  const server = createServer((_req, res) => {
    if (state.mode === 'hung') {
      state.firstHungAt ??= performance.now();
      return; // never answers; HAProxy's timeout server ends it
    }
    const fail = state.mode === 'broken' || Math.random() < noise;
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
    res.end(fail ? '{"error":"broken"}' : '{"status":"ok"}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        state,
        close: () => (server.closeAllConnections(), server.close()),
      }),
    ),
  );
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export async function haproxy(bluePort, greenPort) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-bench-hap-'));
  const socket = path.join(dir, 'admin.sock');
  const port = await freePort();
  const cfg = `global\n  stats socket ${socket} mode 600 level admin\n  maxconn 2000\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 10s\n  timeout server 2s\nfrontend web\n  bind 127.0.0.1:${port}\n  default_backend app\nbackend app\n  balance roundrobin\n  server blue 127.0.0.1:${bluePort} weight 100\n  server green 127.0.0.1:${greenPort} weight 0\n`;
  writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
  const child = spawn(HAPROXY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  while (!existsSync(socket)) await sleep(10);
  return { port, socket, stop: () => new Promise((r) => (child.on('exit', r), child.kill('SIGTERM'))) };
}

const ask = (socket, command) =>
  new Promise((resolve, reject) => {
    let out = '';
    const c = createConnection(socket);
    c.on('connect', () => c.end(`${command}\n`));
    c.on('data', (d) => (out += d));
    c.on('close', () => resolve(out));
    c.on('error', reject);
  });
export const greenWeight = async (socket) =>
  Number(/^(\d+)/.exec(await ask(socket, 'get weight app/green'))?.[1] ?? -1);

export function load(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { sent: 0, failed: 0, firstFailureAt: undefined };
  const failed = () => {
    stats.failed++;
    stats.firstFailureAt ??= performance.now();
  };
  const timer = setInterval(() => {
    stats.sent++;
    const req = request({ host: '127.0.0.1', port, path: '/health', agent, timeout: 5000 }, (res) => {
      res.resume();
      if (res.statusCode >= 500) failed();
    });
    req.on('error', failed);
    req.end();
  }, 1000 / RATE);
  return { stats, stop: () => (clearInterval(timer), agent.destroy()) };
}

/** The report output's JSON, from the GITHUB_OUTPUT file the bundle wrote. */
function reportOf(outputFile) {
  const text = readFileSync(outputFile, 'utf8');
  const match = /^report<<(\S+)\n([\s\S]*?)\n\1$/m.exec(text);
  return match ? JSON.parse(match[2]) : undefined;
}

export function shiftTraffic(socket, inputs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-bench-run-'));
  const files = ['output', 'state', 'summary'].map((f) => path.join(dir, f));
  files.forEach((f) => writeFileSync(f, ''));
  const env = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: files[0],
    GITHUB_STATE: files[1],
    GITHUB_STEP_SUMMARY: files[2],
    ...actionInputs('shift-traffic', {
      provider: 'haproxy',
      'haproxy-socket': socket,
      'haproxy-backend': 'app',
      'stable-revision': 'blue',
      'canary-revision': 'green',
      ...inputs,
    }),
  };
  const child = spawn(node24, [path.join(root, 'dist', 'shift-traffic', 'index.js')], { env, stdio: 'pipe' });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, report: reportOf(files[0]) })),
  );
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The gates a scenario runs with: the defaults, or without the tripwire at a check interval. */
export const GATES = {
  defaults: {},
  'checks every 250 ms, no tripwire': { tripwire: 'false', 'check-interval': '250ms', 'min-requests': '5' },
  'checks every 10 s, no tripwire': { tripwire: 'false', 'check-interval': '10s', 'min-requests': '5' },
};

/**
 * `count` trials of one fault under one set of gates. Per trial: the lab's
 * detection (ms), failed requests, and the report's detectionToRollbackMs.
 */
async function trials(count, fault, gates) {
  const out = { detection: [], failures: [], reported: [] };
  for (let trial = 0; trial < count; trial++) {
    const blue = await service();
    const green = await service();
    const proxy = await haproxy(blue.port, green.port);
    const traffic = load(proxy.port);
    const run = shiftTraffic(proxy.socket, { steps: '10,100', 'step-duration': '60s', ...GATES[gates] });
    let ended;
    run.then((r) => (ended = r));
    const waitFor = async (weight, pause) => {
      while ((await greenWeight(proxy.socket)) !== weight) {
        // A run that ended early (bad input, a broken bundle) would leave this loop waiting forever.
        if (ended && weight === 10)
          throw new Error(`shift-traffic exited ${ended.code}: ${ended.stdout.trim()}`);
        await sleep(pause);
      }
    };
    await waitFor(10, 5);
    await sleep(300 + Math.random() * 500); // the fault comes at an arbitrary moment
    green.state.mode = fault;
    await waitFor(0, 1);
    const zeroAt = performance.now();
    // Hung requests fail only when HAProxy's timeout server (2 s) ends them.
    await sleep(fault === 'hung' ? 2300 : 200);
    traffic.stop();
    const { code, report } = await run;
    const from = fault === 'hung' ? green.state.firstHungAt : traffic.stats.firstFailureAt;
    out.detection.push(zeroAt - from);
    out.failures.push(traffic.stats.failed);
    out.reported.push(report?.detectionToRollbackMs ?? NaN);
    console.error(
      `${fault}, ${gates}, trial ${trial + 1}: ${Math.round(zeroAt - from)} ms (report: ${Math.round(report?.detectionToRollbackMs ?? NaN)} ms), ${traffic.stats.failed} failed requests, exit ${code}`,
    );
    await proxy.stop();
    blue.close();
    green.close();
  }
  return out;
}

/**
 * A healthy canary with `noise` background 5xx on both versions, the default plan
 * (10,25,50,100) and default gates, under load for about `seconds`.
 */
export async function healthyUnderNoise(seconds, noise = 0.001) {
  const blue = await service(noise);
  const green = await service(noise);
  const proxy = await haproxy(blue.port, green.port);
  const traffic = load(proxy.port);
  const per = Math.max(Math.floor(seconds / 4), 1);
  const { code, stdout, report } = await shiftTraffic(proxy.socket, { 'step-duration': `${per}s` });
  traffic.stop();
  await proxy.stop();
  blue.close();
  green.close();
  return {
    code,
    outcome: report?.outcome?.kind,
    holds: (stdout.match(/\(hold\)/g) ?? []).length,
    sent: traffic.stats.sent,
    failed: traffic.stats.failed,
  };
}

/** Broken and hung canaries under the default gates and the baselines. */
export async function detectionToRollback(count, baselineCount) {
  return {
    broken: await trials(count, 'broken', 'defaults'),
    hung: await trials(count, 'hung', 'defaults'),
    brokenChecks: await trials(count, 'broken', 'checks every 250 ms, no tripwire'),
    hungChecks: await trials(baselineCount, 'hung', 'checks every 250 ms, no tripwire'),
    brokenSlow: await trials(baselineCount, 'broken', 'checks every 10 s, no tripwire'),
  };
}

export { median };

// Run directly, it prints its own table; bench/run.mjs imports it for its rows.
if (process.argv[1] === import.meta.filename) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const results = await detectionToRollback(arg('--trials', 10), arg('--baseline-trials', 3));
  const ms = (x) => `${Math.round(x)} ms`;
  console.log(
    '| fault, gates | trials | lab: first failure → weight 0 (median / max) | report (median) | failed requests (median / max) |',
  );
  console.log('|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results))
    console.log(
      `| ${name} | ${r.detection.length} | ${ms(median(r.detection))} / ${ms(Math.max(...r.detection))} | ${ms(median(r.reported))} | ${median(r.failures)} / ${Math.max(...r.failures)} |`,
    );
  const seconds = arg('--healthy-seconds', 600);
  if (seconds > 0) {
    const h = await healthyUnderNoise(seconds);
    console.log(
      `\nHealthy canary, 0.1 % noise on both, default plan and gates over ~${seconds}s: ${h.outcome} (exit ${h.code}), ${h.holds} tripwire holds, ${h.sent} requests, ${h.failed} failed`,
    );
  }
}
