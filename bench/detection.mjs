// Benchmark (not a test): detection → rollback on real HAProxy.
// A load of ~100 requests/s runs through HAProxy; shift-traffic (the built bundle)
// puts the canary at 10 %; then the canary breaks completely. Per trial we record the
// time from the first failed request a user saw to the canary's weight reaching 0,
// and how many requests failed. Then a healthy canary runs under the same gates and
// load for --healthy-seconds: it must never be rolled back.
// Usage: node bench/detection.mjs [--trials 10] [--healthy-seconds 120]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createConnection, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionInputs } from './inputs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRIALS = arg('--trials', 10);
const HEALTHY_SECONDS = arg('--healthy-seconds', 120);
const RATE = 100;

function service() {
  let broken = false;
  const server = createServer((_req, res) => {
    res.writeHead(broken ? 500 : 200, { 'content-type': 'application/json' });
    res.end(broken ? '{"error":"broken"}' : '{"status":"ok"}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, break: () => (broken = true), close: () => server.close() }),
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

async function haproxy(bluePort, greenPort) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-bench-hap-'));
  const socket = path.join(dir, 'admin.sock');
  const port = await freePort();
  const cfg = `global\n  stats socket ${socket} mode 600 level admin\n  maxconn 2000\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 10s\n  timeout server 2s\nfrontend web\n  bind 127.0.0.1:${port}\n  default_backend app\nbackend app\n  balance roundrobin\n  server blue 127.0.0.1:${bluePort} weight 100\n  server green 127.0.0.1:${greenPort} weight 0\n`;
  writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
  const child = spawn('haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  while (!existsSync(socket)) await new Promise((r) => setTimeout(r, 10));
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
const greenWeight = async (socket) =>
  Number(/^(\d+)/.exec(await ask(socket, 'get weight app/green'))?.[1] ?? -1);

function load(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const stats = { sent: 0, failed: 0, firstFailureAt: undefined };
  const timer = setInterval(() => {
    stats.sent++;
    const req = request({ host: '127.0.0.1', port, path: '/health', agent, timeout: 5000 }, (res) => {
      res.resume();
      if (res.statusCode >= 500) {
        stats.failed++;
        stats.firstFailureAt ??= performance.now();
      }
    });
    req.on('error', () => {
      stats.failed++;
      stats.firstFailureAt ??= performance.now();
    });
    req.end();
  }, 1000 / RATE);
  return { stats, stop: () => (clearInterval(timer), agent.destroy()) };
}

function shiftTraffic(socket, steps, stepDuration, interval = '250ms') {
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
      steps,
      'step-duration': stepDuration,
      'check-interval': interval,
      'max-error-rate': '5%',
      'min-requests': '5',
      'failure-limit': '0',
    }),
  };
  const child = spawn(node24, [path.join(root, 'dist', 'shift-traffic', 'index.js')], { env, stdio: 'pipe' });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function trials(count, interval) {
  const detection = [];
  const failures = [];
  for (let trial = 0; trial < count; trial++) {
    const blue = await service();
    const green = await service();
    const proxy = await haproxy(blue.port, green.port);
    const traffic = load(proxy.port);
    const run = shiftTraffic(proxy.socket, '10,100', '60s', interval);
    let ended;
    run.then((r) => (ended = r));
    const waitFor = async (weight, pause) => {
      while ((await greenWeight(proxy.socket)) !== weight) {
        // A run that ended early (bad input, a broken bundle) would leave this loop waiting forever.
        if (ended && weight === 10)
          throw new Error(`shift-traffic exited ${ended.code}: ${ended.stdout.trim()}`);
        await new Promise((r) => setTimeout(r, pause));
      }
    };
    await waitFor(10, 5);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 500)); // break at an arbitrary moment
    green.break();
    await waitFor(0, 2);
    const zeroAt = performance.now();
    await new Promise((r) => setTimeout(r, 200)); // let in-flight requests land
    traffic.stop();
    const { code } = await run;
    detection.push(zeroAt - traffic.stats.firstFailureAt);
    failures.push(traffic.stats.failed);
    console.error(
      `check every ${interval}, trial ${trial + 1}: ${Math.round(zeroAt - traffic.stats.firstFailureAt)} ms, ${traffic.stats.failed} failed requests, exit ${code}`,
    );
    await proxy.stop();
    blue.close();
    green.close();
  }
  return { detection, failures };
}

/**
 * Detection → rollback with the gate checked every 250 ms, and the baseline measured
 * in the same run: the same gate checked every 10 s, the analysis interval a
 * controller such as Argo Rollouts is usually given.
 */
export async function detectionToRollback(count, baselineCount) {
  const fast = await trials(count, '250ms');
  const slow = await trials(baselineCount, '10s');
  return { fast, slow, median };
}

// Run directly, it prints its own tables; bench/run.mjs imports it for one row.
if (process.argv[1] === import.meta.filename) {
  const BASELINE_TRIALS = arg('--baseline-trials', 3);
  const { fast, slow } = await detectionToRollback(TRIALS, BASELINE_TRIALS);

  let healthy = { code: undefined, rollbacks: undefined, sent: 0, failed: 0 };
  if (HEALTHY_SECONDS > 0) {
    const blue = await service();
    const green = await service();
    const proxy = await haproxy(blue.port, green.port);
    const traffic = load(proxy.port);
    const per = Math.max(Math.floor(HEALTHY_SECONDS / 3), 1);
    const { code, stdout } = await shiftTraffic(proxy.socket, '10,25,50,100', `${per}s`);
    traffic.stop();
    healthy = {
      code,
      rollbacks: (stdout.match(/\(rollback\)/g) ?? []).length,
      sent: traffic.stats.sent,
      failed: traffic.stats.failed,
    };
    await proxy.stop();
    blue.close();
    green.close();
  }

  const ms = (x) => `${Math.round(x)} ms`;
  console.log(`\nDetection → rollback on real HAProxy, ${RATE} req/s, canary at 10 % breaks fully`);
  console.log(
    '| gate checked every | trials | first failed request → canary weight 0 (median / max) | failed requests users saw (median / max) |',
  );
  console.log('|---|---|---|---|');
  console.log(
    `| 250 ms (shift-traffic) | ${TRIALS} | ${ms(median(fast.detection))} / ${ms(Math.max(...fast.detection))} | ${median(fast.failures)} / ${Math.max(...fast.failures)} |`,
  );
  console.log(
    `| 10 s (baseline) | ${BASELINE_TRIALS} | ${ms(median(slow.detection))} / ${ms(Math.max(...slow.detection))} | ${median(slow.failures)} / ${Math.max(...slow.failures)} |`,
  );
  console.log(
    `| ratio 250 ms / 10 s | | ${(median(fast.detection) / median(slow.detection)).toFixed(3)}× | ${(median(fast.failures) / median(slow.failures)).toFixed(3)}× |`,
  );
  console.log('Aim: at most 3000 ms and 30 failed requests.');
  if (HEALTHY_SECONDS > 0) {
    console.log(
      `\nHealthy canary, 10→25→50→100 over ~${HEALTHY_SECONDS}s under the same gates: exit ${healthy.code}, rollbacks ${healthy.rollbacks}, ${healthy.sent} requests, ${healthy.failed} failed`,
    );
  }
}
